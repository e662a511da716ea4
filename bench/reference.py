"""The yardstick: a nanoGPT-style GPT-2 (karpathy/nanoGPT's model.py and train.py, re-typed small), run in the
same process as robopoet by the bench scripts.

It is nanoGPT as it runs by default on each device:
- CPU: fp32, eager, torch's default AdamW (its for-loop implementation), `loss.item()` every step;
- CUDA: bf16 autocast, TF32 matrix products, fused AdamW, `torch.compile`.
Its recipes are nanoGPT's: `BABY` is the README's CPU run of config/train_shakespeare_char.py ("gets 1.88"),
`SHAKESPEARE_CHAR` that config itself (GPU, val 1.47).
"""
from __future__ import annotations
import contextlib, math
from dataclasses import dataclass, replace

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RefConfig:
    "nanoGPT's GPTConfig and the training settings of train.py that the bench uses."
    vocab_size: int = 65
    block_size: int = 256
    n_layer: int = 6
    n_head: int = 6
    n_embd: int = 384
    dropout: float = 0.2
    bias: bool = False
    batch_size: int = 64
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup_iters: int = 100
    lr_decay_iters: int = 5000
    max_iters: int = 5000
    beta2: float = 0.99
    weight_decay: float = 0.1
    grad_clip: float = 1.0

SHAKESPEARE_CHAR = RefConfig()  # config/train_shakespeare_char.py
BABY = replace(SHAKESPEARE_CHAR, block_size=64, batch_size=12, n_layer=4, n_head=4, n_embd=128, max_iters=2000,
               lr_decay_iters=2000, dropout=0.0)  # the README's CPU run of it


class CausalSelfAttention(nn.Module):
    def __init__(self, c:RefConfig):
        super().__init__()
        self.c_attn, self.c_proj = nn.Linear(c.n_embd, 3 * c.n_embd, bias=c.bias), nn.Linear(c.n_embd, c.n_embd, bias=c.bias)
        self.resid_dropout, self.n_head, self.dropout = nn.Dropout(c.dropout), c.n_head, c.dropout
    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0, is_causal=True)
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C)))

class Block(nn.Module):
    def __init__(self, c:RefConfig):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(c.n_embd, bias=c.bias), nn.LayerNorm(c.n_embd, bias=c.bias)
        self.attn = CausalSelfAttention(c)
        self.mlp = nn.Sequential(nn.Linear(c.n_embd, 4 * c.n_embd, bias=c.bias), nn.GELU(),
                                 nn.Linear(4 * c.n_embd, c.n_embd, bias=c.bias), nn.Dropout(c.dropout))
    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))

class RefGPT(nn.Module):
    "nanoGPT's GPT: learned positions, LayerNorm, GELU, tied embeddings, GPT-2 initialisation."
    def __init__(self, c:RefConfig):
        super().__init__()
        self.config = c
        self.transformer = nn.ModuleDict(dict(wte=nn.Embedding(c.vocab_size, c.n_embd), wpe=nn.Embedding(c.block_size, c.n_embd),
                                              drop=nn.Dropout(c.dropout), h=nn.ModuleList(Block(c) for _ in range(c.n_layer)),
                                              ln_f=nn.LayerNorm(c.n_embd, bias=c.bias)))
        self.lm_head = nn.Linear(c.n_embd, c.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith('c_proj.weight') or pn.endswith('mlp.2.weight'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c.n_layer))

    def _init_weights(self, m):
        if isinstance(m, (nn.Linear, nn.Embedding)): nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None: nn.init.zeros_(m.bias)

    def num_params(self) -> int: return sum(p.numel() for p in self.parameters()) - self.transformer.wpe.weight.numel()

    def forward(self, idx, targets=None):
        t = idx.size(1)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(torch.arange(t, device=idx.device)))
        for block in self.transformer.h: x = block(x)
        x = self.transformer.ln_f(x)
        if targets is None: return self.lm_head(x[:, [-1], :]), None  # inference: the last position only
        logits = self.lm_head(x)
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    def optimizer(self, c:RefConfig, device_type:str):
        "nanoGPT's configure_optimizers: decay on matrices, fused AdamW on CUDA."
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [{'params': [p for p in params if p.dim() >= 2], 'weight_decay': c.weight_decay},
                  {'params': [p for p in params if p.dim() < 2], 'weight_decay': 0.0}]
        extra = dict(fused=True) if device_type == 'cuda' else {}
        return torch.optim.AdamW(groups, lr=c.lr, betas=(0.9, c.beta2), **extra)

    @torch.no_grad()
    def generate(self, idx, max_new_tokens:int, temperature:float=0.8, top_k:int|None=200):
        "nanoGPT's generate with sample.py's defaults: the last block_size tokens through the model for every token."
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= self.config.block_size else idx[:, -self.config.block_size:]
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float('Inf')
            idx_next = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def lr_at(it:int, c:RefConfig) -> float:
    "train.py's get_lr: linear warm-up, cosine decay to min_lr at lr_decay_iters."
    if it < c.warmup_iters: return c.lr * (it + 1) / (c.warmup_iters + 1)
    if it > c.lr_decay_iters: return c.min_lr
    ratio = (it - c.warmup_iters) / (c.lr_decay_iters - c.warmup_iters)
    return c.min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (c.lr - c.min_lr)


class RefTrainer:
    "train.py's loop around RefGPT: random windows of `train_ids`, one optimiser step per `step()`."
    def __init__(self, c:RefConfig, train_ids, device, seed:int=1337, compile:bool|None=None):
        self.c, self.device, self.ids, self.it = c, torch.device(device), train_ids.to(device), 0
        torch.manual_seed(seed)
        self.gen = torch.Generator().manual_seed(seed)  # the batches' random offsets
        self.raw = RefGPT(c).to(self.device)
        self.opt = self.raw.optimizer(c, self.device.type)
        on_gpu = self.device.type == 'cuda'
        if on_gpu: torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        self.model = torch.compile(self.raw) if (on_gpu if compile is None else compile) else self.raw
        self.ctx = torch.autocast('cuda', dtype=torch.bfloat16) if on_gpu else contextlib.nullcontext()
        self.x, self.y = self.batch()

    def batch(self):
        ix = torch.randint(len(self.ids) - self.c.block_size, (self.c.batch_size,), generator=self.gen)
        ix = ix.to(self.ids.device)[:, None] + torch.arange(self.c.block_size, device=self.ids.device)
        return self.ids[ix], self.ids[ix + 1]

    def step(self, sync:bool=True) -> float|None:
        "One iteration of train.py; `sync=False` leaves out the loss's `.item()` (nanoGPT logs every log_interval)."
        lr = lr_at(self.it, self.c)
        for g in self.opt.param_groups: g['lr'] = lr
        with self.ctx: _, loss = self.model(self.x, self.y)
        self.x, self.y = self.batch()  # prefetch, as train.py does
        loss.backward()
        if self.c.grad_clip: torch.nn.utils.clip_grad_norm_(self.raw.parameters(), self.c.grad_clip)
        self.opt.step(); self.opt.zero_grad(set_to_none=True)
        self.it += 1
        return loss.item() if sync else None


@torch.no_grad()
def exact_loss(model, valid, device, ctx=contextlib.nullcontext(), batch:int=64) -> float:
    """Mean cross-entropy of `model` ((B, T) ids -> (logits, loss)) over every token of the validation windows
    `valid` (xs, ys, tail), as robopoet's `Trainer.evaluate` computes it."""
    was = model.training; model.eval()
    xs, ys, tail = valid
    pieces = [(xs[i:i + batch], ys[i:i + batch]) for i in range(0, len(xs), batch)] + ([tail] if tail is not None else [])
    total, count = torch.zeros((), dtype=torch.float64, device=device), 0
    for x, y in pieces:
        x, y = x.to(device), y.to(device)
        with ctx: logits, _ = model(x, y)
        total += F.cross_entropy(logits.float().flatten(0, 1), y.flatten(), reduction='sum')
        count += y.numel()
    model.train(was)
    return (total / count).item()
