"""Regenerates src/test/resources/jinja/python_cases.jsonl: each template rendered by Python Jinja2
set up as transformers' apply_chat_template does (ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, tojson with ensure_ascii=False, raise_exception). Run: python3 tools/jinja_python_cases.py"""
import json, sys
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols

def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
from datetime import datetime
env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)

MSGS = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi there"},
        {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is this?"}]}]
V = {"messages": MSGS, "n": 7, "f": 2.5, "s": "  Hello World  ", "lst": [3, 1, 2], "d": {"b": 2, "a": 1},
     "u": "héllo ✓ 😀", "none": None, "t": True, "tools": [{"type": "function", "function": {"name": "get", "parameters": {"x": 1.0, "y": [1e-7, 1e16, 0.1]}}}]}

T = [
 "{{ n }} {{ f }} {{ none }} {{ t }} {{ lst }} {{ d }} {{ u }}",
 "{{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1e3 }} {{ 0.1 + 0.2 }} {{ 1_000 }}",
 "{{ 'a' * 3 }}{{ '=' * 3 }}{{ [1] * 2 }}{{ 'x' ~ 1 ~ none ~ t }}",
 "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' Hd') }}|{{ s | trim }}|{{ 'xxaxx'.strip('x') }}",
 "{{ s.split() }}{{ 'a,b,,c'.split(',') }}{{ 'a b c'.split(' ', 1) }}{{ 'a,b,c'.rsplit(',', 1) }}",
 "{{ s.upper() }}{{ s.lower() }}{{ 'hello wORLD-foo bar'.title() }}{{ 'hello wORLD-foo bar' | title }}{{ 'hELLO' | capitalize }}{{ 'hELLO'.capitalize() }}",
 "{{ 'abcdef'[1:3] }}{{ 'abcdef'[::-1] }}{{ 'abcdef'[-2:] }}{{ lst[::-1] }}{{ lst[1:] }}{{ 'abcdef'[::2] }}{{ lst[-1] }}{{ 'abc'[5:] }}",
 "{{ messages[1:] | length }}{{ messages[::-1][0].role }}{{ (messages | last).content[1].text }}",
 "{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}\n{% endfor %}",
 "{% for m in messages if m.role == 'user' %}{{ loop.index }}/{{ loop.length }}:{{ m.role }};{% endfor %}",
 "{% for m in [] %}x{% else %}empty{% endfor %}",
 "{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
 "{% for x in lst %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}",
 "{% set ns = namespace(count=0, found=false) %}{% for x in lst %}{% set ns.count = ns.count + x %}{% endfor %}{{ ns.count }}{{ ns.found }}",
 "{% set x = 1 %}{% for i in lst %}{% set x = i %}{% endfor %}{{ x }}",
 "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = (1, 'a') %}{{ t }}{{ (1,) }}",
 "{% set block %}\n  inner {{ n }}\n{% endset %}[{{ block }}]",
 "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Bob') }} {{ greet('Al', punct='?') }}",
 "{{ tools | tojson }}\n{{ tools[0] | tojson(indent=4) }}\n{{ u | tojson }}\n{{ {'a': none, 'b': t, 'c': 'q\"\\\\\\n'} | tojson }}\n{{ [] | tojson(indent=2) }}{{ {} | tojson }}",
 "{{ messages | selectattr('role', 'equalto', 'user') | list | length }}{{ messages | rejectattr('role', 'equalto', 'user') | map(attribute='role') | join(',') }}",
 "{{ lst | map('string') | join('-') }}{{ ['a', 'B', 'a', 'b'] | unique | list }}{{ d | dictsort }}{{ lst | sort }}{{ lst | sort(reverse=true) }}",
 "{{ lst | first }}{{ lst | last }}{{ missing | default('dflt') }}{{ '' | default('e', true) }}{{ none | default('x') }}{{ lst | sum }}{{ lst | min }}{{ lst | max }}",
 "{{ '42' | int + 1 }}{{ '4.7' | int }}{{ 'x' | int }}{{ 3.9 | int }}{{ 3 | float }}{{ 3.14159 | round(2) }}{{ -3 | abs }}",
 "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, first=true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}",
 "{{ 'Hello' | replace('l', 'L') }}{{ 'Hello'.replace('l', 'L', 1) }}{{ 'aXbXc'.split('X')[-1] }}{{ 'abc'.startswith('a') }}{{ 'abc'.endswith(('x', 'c')) }}",
 "{{ '{} and {}'.format('a', 1) }}{{ '{0}{0}'.format('z') }}{{ '{name}!'.format(name='N') }}",
 "{{ 'ab' in 'cabd' }}{{ 'role' in messages[0] }}{{ 2 in lst }}{{ 5 not in lst }}{{ 1 < 2 < 3 }}{{ 'a' < 'b' }}{{ [1, 2] == [1, 2] }}{{ 1 == 1.0 }}{{ t == 1 }}",
 "{{ missing is defined }}{{ missing is undefined }}{{ none is none }}{{ 's' is string }}{{ d is mapping }}{{ lst is iterable }}{{ n is number }}{{ n is integer }}{{ f is float }}{{ t is boolean }}{{ t is true }}{{ false is false }}{{ n is odd }}{{ n is even }}{{ 9 is divisibleby 3 }}{{ missing is iterable }}{{ 'abc' is sequence }}",
 "{{ messages[0]['content'] }}{{ messages[0].content }}{{ messages[9] }}{{ messages[0].nokey }}{{ d.keys() | list }}{{ d.values() | list }}{{ d.get('a') }}{{ d.get('z', 0) }}",
 "{{ 'yes' if t else 'no' }}{{ 'yes' if none }}{{ n if n > 100 else -n }}",
 "{{ not t }}{{ t and 'x' }}{{ none or 'fallback' }}{{ 0 or '' or 'last' }}{{ -n }}{{ +n }}",
 "{{ range(3) | list }}{{ range(1, 7, 2) | list }}{{ dict(a=1) }}",
 "{{ \"it's\" }}{{ ['it\\'s', \"q\\\"\"] }}{{ ['a\\nb', 'tab\\t', 'é', '\\x00'] }}{{ 'uni\\u00e9\\U0001F600' }}",
 "{{ messages[3].content }}{{ messages[3].content | trim }}",
 "{{ lst | reverse | list }}{{ 'abc' | reverse }}{{ lst | length }}{{ 'héllo' | length }}{{ d | length }}{{ lst | count }}",
 "{{ 'a' + 'b' | upper }}{{ lst | length - 1 }}{{ (lst | length) * 2 }}{{ -lst | length if false else 'p' }}",
 "{{ 1.0 }}{{ 100.0 }}{{ 1e16 }}{{ 1.5e-5 }}{{ 123456789.123 }}{{ 2.0 * 3 }}{{ 10 / 4 }}{{ 1/3 }}{{ 0.0001 }}{{ 1e15 }}",
 "{{ d }}{{ {'k': [1, {'x': none}], 2: 'two'} }}{{ [t, false, none] }}{{ (1, 'b') }}",
 "{{ messages[0] | tojson }}{{ 'x' | tojson }}{{ 1.5 | tojson }}{{ [1e-7] | tojson }}",
 "{{ '%s-%d' % ('a', 3) }}{{ 'v=%s' % 1 }}",
 "{{ 'a b  c'.split(' ') }}{{ '  a  '.split() }}{{ ''.split(',') }}{{ 'abc'.find('c') }}{{ 'a-b'.count('-') }}",
 "{{ loop }}{{ messages.0.role }}{{ lst.1 }}",
 "{%- for m in messages -%}\n  {{- m.role }}\n  {%- if not loop.last %}, {% endif -%}\n{%- endfor -%}\n",
 "  {% if t %}\n    yes\n  {% endif %}\n  end\n",
 "a\n  {% if t -%}\n  b\n  {%- endif %}\nc\n{# comment #}\nd  {# c2 #}  e\n  {#- c3 -#}  f\n",
 "{% if t %}x{% endif %}\n{{ n }}\n{{- n -}}\n  {{ n }}  \n{%+ if t %}keep{% endif %}\n",
 "{% raw %}{{ not rendered }}{% endraw %}\n{{ 'done' }}",
 "{% filter upper %}hello {{ n }}{% endfilter %}",
 "line1\r\nline2\r\n{% if t %}\r\nx\r\n{% endif %}\r\n",
 "{% for x in 'ab' %}{{ x }},{% endfor %}{% for c in messages[3].content %}{{ c.type }}{% endfor %}",
 "{{ messages | map(attribute='role') | list }}{{ messages | map(attribute='nope', default='D') | list }}{{ lst | select('odd') | list }}{{ lst | reject('odd') | list }}",
 "{{ d | items | list }}{{ 'x'.join(['a', 'b']) }}{{ ['a','b'] | join }}",
 "{{ 'ǅungla'.capitalize() }}{{ 'i̇stanbul' | upper }}{{ 'ÉCOLE' | lower }}",
 "{{ 'trailing'  }}\n",
 "{{ u[2:6] }}{{ u[-1] }}{{ u | length }}{{ u[::-1] }}",
 "{% if messages[0].role == 'system' %}{% set sys = messages[0].content %}{% endif %}{{ sys }}",
 "{% for i in range(2) %}{% for j in range(2) %}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}",
 "{{ lst|sort|join(',') }}{{ [3, 'a'] | string }}{{ none | string }}{{ 5 | string + 'x' }}",
 "{{ 'x' if messages|length > 3 and messages[3].content is not string else 'y' }}",
 "{% macro m() %}{{ n }}{% endmacro %}{% set n = 99 %}{{ m() }}",
 "{{ raise_exception('Custom failure: ' ~ n) }}",
 "{{ undefined_var.attr }}",
 "{{ 'a' + 1 }}",
 "{{ 'a' + [1] }}",
 "{{ none.x }}{{ 1 / 0 }}",
 "{% for x in none %}{% endfor %}",
 "{{ lst.append(4) }}",
 "{% if %}",
 "{% for x in lst %}",
 "{{ 1 + }}",
 "{% set d2 = {'a': 1} %}{{ d2.update({'b': 2}) }}",
 "{{ 'abc'.nomethod() }}",
 "{{ missing | tojson }}",
 "{% endfor %}",
 "{{ strftime_now('%Y') | length }}",
]

with open(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/jinja/python_cases.jsonl", "w", encoding="utf-8") as out:
    for src in T:
        case = {"template": src, "variables": V}
        try:
            case["rendered"] = env.from_string(src).render(**V)
            case["error"] = None
        except jinja2.exceptions.TemplateSyntaxError as e:
            case["rendered"] = None; case["error"] = "syntax"
        except jinja2.exceptions.TemplateError as e:
            kind = "raise" if type(e) is jinja2.exceptions.TemplateError else "runtime"
            case["rendered"] = None; case["error"] = kind; case["message"] = str(e)
        except Exception as e:
            case["rendered"] = None; case["error"] = "runtime"; case["message"] = type(e).__name__ + ": " + str(e)
        out.write(json.dumps(case, ensure_ascii=False) + "\n")
print("wrote", len(T), "cases")
