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
V = {"bos_token": "<s>", "eos_token": "</s>", "add_generation_prompt": True, "messages": MSGS, "n": 7, "f": 2.5, "s": "  Hello World  ", "lst": [3, 1, 2], "d": {"b": 2, "a": 1},
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
 "{%- set date_string = '26 Jul 2024' %}\n{{- 'Today Date: ' + date_string + '\\n\\n' }}\n{%- set builtin_tools = ['code_interpreter', 'brave_search', 'wolfram'] %}\n{{- 'Tools: ' + builtin_tools | reject('equalto', 'code_interpreter') | join(', ') + '\\n\\n' }}",
 "{%- for tool_call in [{'name': 'f', 'arguments': {'a': [1, 2.0, 'x'], 'b': none}}] %}{{- '{\"name\": \"' + tool_call.name + '\", ' }}{{- '\"parameters\": ' + tool_call.arguments | tojson }}{{- '}' }}{% endfor %}",
 "{% set ns = namespace(is_first=false, system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{ ns.system_prompt }}|{{ ns.is_first }}|{{ ns.missing }}",
 "{% for m in messages %}{{ loop.previtem.role if loop.previtem is defined else '-' }}>{{ loop.nextitem.role if loop.nextitem is defined else '-' }} {{ loop.cycle('odd', 'even') }};{% endfor %}",
 "text {% if t %}x{% endif %} more\n\t{% if t %}\n\ttabbed\n\t{% endif %}\n   {# c #}\nend {{ n }}   \n  {%- if t %}\n  z\n  {% endif -%}\n  tail",
 "{% if t %}{% if t %}\n  nested\n{% endif %}\n{% endif %}\n{%- raw -%}\n  {{ raw }}\n{%- endraw -%}\n after",
 "{{ d | tojson(sort_keys=true) }}{{ d | tojson(separators=(',', ':')) }}{{ {'v': 1/3, 'w': 10/2} | tojson }}{{ d | dictsort(by='value') }}",
 "{{ messages | selectattr('role', 'in', ['user', 'assistant']) | list | length }}{{ 'a' ~ ('b' if false) ~ 'c' }}{{ (messages | length) // 3 }}",
 "{% set x %}\n  padded {{ n }}  \n{% endset %}[{{ x | trim }}]{{ 'abc' | first }}{{ 'abc' | list }}{{ d['a'] }}{{ d.a }}",
 "{% for item in d | dictsort %}{{ item[0] }}{{ item.1 }}{% endfor %}{% if messages[0]['content'] is string and messages[0]['content'].strip() %}ok{% endif %}",
 "{{ false is sameas false }}{{ none is sameas none }}{{ 1 is sameas 1 }}{{ missing is none }}{{ lst | join(', ') }}{{ '%s' | format('x') }}{{ 10 | string | int * 2 }}",
 "{%- for m in messages -%}{%- if m.role == 'system' -%}{%- continue -%}{%- endif -%}{{ m.role[0] | upper }}{%- endfor -%}{{ range(10) | batch(3) | list }}",
 "{{ -1 ** 2 }} {{ 2 ** 3 ** 2 }} {{ not 1 == 2 }} {{ 1 if 0 else 2 if 0 else 3 }} {{ 'a' 'b' }} {{ (1, 2) + (3,) }} {{ [1, 2] + [3] }} {{ 'x' * 0 }}|",
 "{% for i in range(2) %}{% set outer = loop %}{% for j in range(2) %}{{ outer.index }}{{ loop.index }} {% endfor %}{% endfor %}",
 "{% macro render(m, prefix='') -%}\n{{ prefix }}{{ m.role | upper }}: {{ m.content if m.content is string else m.content | map(attribute='type') | join('+') }}\n{%- endmacro %}\n{% for m in messages %}\n{{ render(m, prefix='> ') }}\n{% endfor %}",
 "{{ messages[3].content | selectattr('type', 'equalto', 'text') | map(attribute='text') | map('trim') | join('\\n') }}{{ messages[3].content | rejectattr('text') | list }}",
 "{%- if tools is not none %}{%- for t in tools %}{{ t.function.name }}({{ t.function.parameters.keys() | join(', ') }}){% endfor %}{% endif %}{{ tools[0].function.parameters.y[2] }}",
 "{{ u.upper() }}{{ u.title() }}{{ 'ß'.upper() }}{{ 'İ'.lower() | length }}{{ '  x\\t\\n'.strip() }}{{ 'a\\u00a0b'.split() }}",
 "{{ '{\"a\": 1}' }}{{ \"{{ not a tag }}\" }}{{ '{% nope %}' }}",
 "{%- set messages = messages[1:] %}{{ messages | length }}{% for m in messages %}{% set messages = [] %}{% endfor %}{{ messages | length }}",
 "{{ 'Hello World'.split(' ')[0].lower().replace('h', 'J') }}{{ ' '.join(['a', 'b']) }}{{ 'a'.join('xyz') }}",
 "{{ n > 5 and 'big' or 'small' }}{{ n is divisibleby(7) }}{{ [] | first is undefined }}{{ lst | map('abs') | list }}",
 "{% for i in [1,2,3] %}{% if loop.first %}{% set x = i %}{% endif %}[{{ x }}]{% endfor %}{% set x = 'outer' %}{% for i in [1,2] %}[{{ x }}]{% set x = i %}{% endfor %}{{ x }}",
 "{% macro f() %}{% set y = 5 %}{{ y }}{% endmacro %}{{ f() }}[{{ y }}]{% for a in [1] %}{% for b in [2] %}{% set a = 9 %}{% endfor %}{{ a }}{% endfor %}{{ lst.0 }}{{ [[1, 2]].0.1 }}",
 "{%- set default_system_message = 'Default.' %}\n{{- bos_token }}\n{%- if messages[0]['role'] == 'system' %}\n    {%- if messages[0]['content'] is string %}\n        {%- set system_message = messages[0]['content'] %}\n    {%- else %}\n        {%- set system_message = messages[0]['content'][0]['text'] %}\n    {%- endif %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = default_system_message %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n{{- '[SYSTEM_PROMPT]' + system_message + '[/SYSTEM_PROMPT]' }}\n{%- for message in loop_messages %}\n    {%- if message['role'] == 'user' %}\n        {%- if message['content'] is string %}\n            {{- '[INST]' + message['content'] + '[/INST]' }}\n        {%- else %}\n            {{- '[INST]' }}\n            {%- for block in message['content'] %}\n                {%- if block['type'] == 'text' %}\n                    {{- block['text'] }}\n                {%- elif block['type'] in ['image', 'image_url'] %}\n                    {{- '[IMG]' }}\n                {%- else %}\n                    {{- raise_exception('Only text and image blocks are supported in message content!') }}\n                {%- endif %}\n            {%- endfor %}\n            {{- '[/INST]' }}\n        {%- endif %}\n    {%- elif message['role'] == 'assistant' %}\n        {{- message['content'] + eos_token }}\n    {%- else %}\n        {{- raise_exception('Only user, system and assistant roles are supported!') }}\n    {%- endif %}\n{%- endfor %}",
 "{%- for tool_call in [{'name': 'search', 'arguments': {'query': 'x', 'n': '3'}}] %}{{- '<|python_tag|>' + tool_call.name + '.call(' }}{%- for arg_name, arg_val in tool_call.arguments | items %}{{- arg_name + '=\"' + arg_val + '\"' }}{%- if not loop.last %}{{- ', ' }}{%- endif %}{%- endfor %}{{- ')' }}{% endfor %}{%- for m in messages %}{% if m.content is mapping or m.content is iterable %}{{ m.content | tojson }}{% endif %}{% endfor %}",
 "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\n' + (message['content'] if message['content'] is string else message['content'] | selectattr('type', 'equalto', 'text') | map(attribute='text') | first) + '<|end|>\n' }}{% endfor %}{% if add_generation_prompt and messages[-1]['role'] != 'assistant' %}{{- '<|assistant|>\n' -}}{% endif %}",
 "{% for message in messages %}{% set content = message['content'] if message['content'] is string else '' %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{ '<｜' + message['role'] | capitalize + '｜>' + content }}{% endfor %}",
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
