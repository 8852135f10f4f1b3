"""LLaVA in plain PyTorch, computing exactly what Hugging Face `LlavaForConditionalGeneration` computes
(transformers v4.47 `modeling_llava`, `modeling_clip`, `modeling_llama`, eager attention), with the same
parameter names so the state dict is the HF checkpoint:

- CLIP vision tower: conv patch embedding (no bias), class token, learned positions, `pre_layrnorm`,
  pre-LN encoder layers (q/k/v/out with bias, `quick_gelu` MLP); features = hidden_states[vision_feature_layer]
  (before `post_layernorm`), `default` strategy drops the class token.
- Projector: linear_1 -> GELU (erf) -> linear_2.
- Llama decoder: RMSNorm (fp32, eps), rotary embeddings (rotate_half layout, theta), GQA, SiLU-gated MLP.
- Each `<image>` token's embedding is replaced by one projected image feature row, in order.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class CLIPAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.hd = heads, d // heads
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        q = self.q_proj(x).view(b, n, self.h, self.hd).transpose(1, 2) * (self.hd ** -0.5)
        k = self.k_proj(x).view(b, n, self.h, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, n, self.h, self.hd).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        return self.out_proj((a @ v).transpose(1, 2).reshape(b, n, d))


class CLIPMLP(nn.Module):
    def __init__(self, d, inter):
        super().__init__()
        self.fc1 = nn.Linear(d, inter)
        self.fc2 = nn.Linear(inter, d)

    def forward(self, x):
        x = self.fc1(x)
        return self.fc2(x * torch.sigmoid(1.702 * x))  # quick_gelu


class CLIPEncoderLayer(nn.Module):
    def __init__(self, d, heads, inter, eps):
        super().__init__()
        self.self_attn = CLIPAttention(d, heads)
        self.layer_norm1 = nn.LayerNorm(d, eps=eps)
        self.mlp = CLIPMLP(d, inter)
        self.layer_norm2 = nn.LayerNorm(d, eps=eps)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class CLIPEmbeddings(nn.Module):
    def __init__(self, d, image_size, patch):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.randn(d) * 0.02)
        self.patch_embedding = nn.Conv2d(3, d, kernel_size=patch, stride=patch, bias=False)
        self.num_positions = (image_size // patch) ** 2 + 1
        self.position_embedding = nn.Embedding(self.num_positions, d)
        self.register_buffer("position_ids", torch.arange(self.num_positions).unsqueeze(0), persistent=False)

    def forward(self, pixels):
        b = pixels.shape[0]
        p = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(b, 1, -1)
        return torch.cat([cls, p], dim=1) + self.position_embedding(self.position_ids)


class CLIPVisionTransformer(nn.Module):
    def __init__(self, vc):
        super().__init__()
        d = vc["hidden_size"]
        self.embeddings = CLIPEmbeddings(d, vc["image_size"], vc["patch_size"])
        self.pre_layrnorm = nn.LayerNorm(d, eps=1e-5)
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList(
            [CLIPEncoderLayer(d, vc["num_attention_heads"], vc["intermediate_size"], 1e-5)
             for _ in range(vc["num_hidden_layers"])])
        self.post_layernorm = nn.LayerNorm(d, eps=1e-5)  # part of the checkpoint; unused by LLaVA features

    def hidden_states(self, pixels):
        h = self.pre_layrnorm(self.embeddings(pixels))
        states = [h]
        for layer in self.encoder.layers:
            h = layer(h)
            states.append(h)
        return states


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        dt = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dt)


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class LlamaAttention(nn.Module):
    def __init__(self, tc):
        super().__init__()
        d = tc["hidden_size"]
        self.h, self.kv, self.hd = tc["num_attention_heads"], tc["num_key_value_heads"], tc["head_dim"]
        self.q_proj = nn.Linear(d, self.h * self.hd, bias=False)
        self.k_proj = nn.Linear(d, self.kv * self.hd, bias=False)
        self.v_proj = nn.Linear(d, self.kv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.h * self.hd, d, bias=False)
        self.keep_probs = False  # training keeps one layer's attention weights (see train.lookup_loss)
        self.probs = None

    def forward(self, x, cos, sin, mask):
        b, n, _ = x.shape
        q = self.q_proj(x).view(b, n, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, n, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, n, self.kv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.h // self.kv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask
        a = torch.softmax(s.float(), dim=-1).to(q.dtype)
        if self.keep_probs:
            self.probs = a
        return self.o_proj((a @ v).transpose(1, 2).reshape(b, n, self.h * self.hd))


class LlamaMLP(nn.Module):
    def __init__(self, d, inter):
        super().__init__()
        self.gate_proj = nn.Linear(d, inter, bias=False)
        self.up_proj = nn.Linear(d, inter, bias=False)
        self.down_proj = nn.Linear(inter, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, tc):
        super().__init__()
        self.self_attn = LlamaAttention(tc)
        self.mlp = LlamaMLP(tc["hidden_size"], tc["intermediate_size"])
        self.input_layernorm = RMSNorm(tc["hidden_size"], tc["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(tc["hidden_size"], tc["rms_norm_eps"])

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, tc):
        super().__init__()
        self.tc = tc
        self.embed_tokens = nn.Embedding(tc["vocab_size"], tc["hidden_size"])
        self.layers = nn.ModuleList([LlamaDecoderLayer(tc) for _ in range(tc["num_hidden_layers"])])
        self.norm = RMSNorm(tc["hidden_size"], tc["rms_norm_eps"])

    def rope(self, positions):
        hd = self.tc["head_dim"]
        inv = 1.0 / (self.tc["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        freqs = positions[:, :, None].float() * inv[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None], emb.sin()[:, None]

    def forward(self, embeds, attention_mask):
        b, n, _ = embeds.shape
        positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)
        cos, sin = self.rope(positions)
        causal = torch.full((n, n), float("-inf")).triu(1)
        pad = torch.where(attention_mask[:, None, None, :] > 0, 0.0, float("-inf"))
        mask = causal[None, None] + pad
        mask = torch.where(torch.isinf(mask), torch.finfo(torch.float32).min, mask)
        x = embeds
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.norm(x)


class LanguageModel(nn.Module):
    def __init__(self, tc):
        super().__init__()
        self.model = LlamaModel(tc)
        self.lm_head = nn.Linear(tc["hidden_size"], tc["vocab_size"], bias=False)


class Projector(nn.Module):
    def __init__(self, dv, d):
        super().__init__()
        self.linear_1 = nn.Linear(dv, d)
        self.linear_2 = nn.Linear(d, d)

    def forward(self, x):
        return self.linear_2(F.gelu(self.linear_1(x)))


class Llava(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.vision_tower = nn.Module()
        self.vision_tower.vision_model = CLIPVisionTransformer(config["vision_config"])
        self.multi_modal_projector = Projector(config["vision_config"]["hidden_size"],
                                               config["text_config"]["hidden_size"])
        self.language_model = LanguageModel(config["text_config"])
        self.image_token_index = config["image_token_index"]

    def image_features(self, pixels):
        states = self.vision_tower.vision_model.hidden_states(pixels)
        feats = states[self.config["vision_feature_layer"]]
        if self.config["vision_feature_select_strategy"] == "default":
            feats = feats[:, 1:]
        return feats, self.multi_modal_projector(feats)

    def forward(self, input_ids, pixels, attention_mask, return_features=False):
        """Logits for every position. `pixels` holds one image per `<image>` run, in order."""
        emb = self.language_model.model.embed_tokens(input_ids)
        feats = proj = None
        if pixels is not None and pixels.shape[0] > 0:
            feats, proj = self.image_features(pixels)
            sel = input_ids == self.image_token_index
            emb = emb.masked_scatter(sel[..., None].expand_as(emb), proj.reshape(-1).to(emb.dtype))
        h = self.language_model.model(emb, attention_mask)
        logits = self.language_model.lm_head(h)
        return (logits, feats, proj) if return_features else logits


def init_weights(model, seed):
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if p.dim() >= 2:
            std = 0.02
            if name.endswith("o_proj.weight") or name.endswith("down_proj.weight") or name.endswith("out_proj.weight") \
                    or name.endswith("fc2.weight"):
                std = 0.02 / math.sqrt(2 * 4)
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * std)
        elif name.endswith("class_embedding"):
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
        elif "norm" in name and name.endswith("weight"):
            with torch.no_grad():
                p.fill_(1.0)
        else:
            with torch.no_grad():
                p.zero_()
