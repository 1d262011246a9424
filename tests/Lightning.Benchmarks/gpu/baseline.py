"""GPU baseline for `dotnet run -c Release --project tests/Lightning.Benchmarks -- gpu`.

Trains the same models on the same kind of synthetic, device-resident data as the .NET harness -- an MLP
(784-2048-2048-10) and a small CNN, batch 64 and 1024, fp32 and bf16-true -- with a plain PyTorch loop and with a
PyTorch Lightning Trainer (progress bar, logger, checkpointing and model summary off; same precision), and prints
the same `BENCH gpu_<model>_<batch>_<dtype>_<loop>_samples_per_s=...` lines plus peak GPU memory, so one table
compares all four loops. Warm-up 20 steps, 200 measured steps, median of 3 repeats, TF32 allowed (as the harness).
"""
import statistics
import time

import torch
from torch import nn

WARMUP, MEASURED, REPEATS = 20, 200, 3


def build(model: str) -> nn.Module:
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 2048), nn.ReLU(), nn.Linear(2048, 2048), nn.ReLU(), nn.Linear(2048, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def data(batch: int, dtype: torch.dtype):
    samples = batch * 64
    x = torch.randn(samples, 1, 28, 28, device="cuda", dtype=dtype)
    y = torch.randint(0, 10, (samples,), device="cuda")
    return x, y


def plain(model_name: str, batch: int, dtype: torch.dtype) -> float:
    torch.manual_seed(1)
    x, y = data(batch, dtype)
    model = build(model_name).cuda().to(dtype)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    batches = x.shape[0] // batch
    start = 0.0
    for step in range(WARMUP + MEASURED):
        if step == WARMUP:
            torch.cuda.synchronize()
            start = time.perf_counter()
        offset = step % batches * batch
        loss = nn.functional.cross_entropy(model(x[offset:offset + batch]), y[offset:offset + batch])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    torch.cuda.synchronize()
    return MEASURED * batch / (time.perf_counter() - start)


def lightning(model_name: str, batch: int, dtype: torch.dtype) -> float:
    import lightning.pytorch as pl

    class Classifier(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.network = build(model_name)

        def training_step(self, batch_data, batch_index):
            inputs, targets = batch_data
            loss = nn.functional.cross_entropy(self.network(inputs), targets)
            self.log("train_loss", loss)
            return loss

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), 1e-3)

    class Clock(pl.Callback):
        start = 0.0
        seconds = 0.0

        def on_train_batch_end(self, trainer, module, outputs, batch_data, batch_index):
            if trainer.global_step == WARMUP:
                torch.cuda.synchronize()
                Clock.start = time.perf_counter()

        def on_train_end(self, trainer, module):
            torch.cuda.synchronize()
            Clock.seconds = time.perf_counter() - Clock.start

    class DeviceBatches(torch.utils.data.Dataset):
        """Unshuffled slices of device-resident data, one batch per item, as the .NET harness does."""

        def __init__(self, x, y):
            self.x, self.y, self.count = x, y, x.shape[0] // batch

        def __len__(self):
            return WARMUP + MEASURED

        def __getitem__(self, index):
            offset = index % self.count * batch
            return self.x[offset:offset + batch], self.y[offset:offset + batch]

    torch.manual_seed(1)
    x, y = data(batch, dtype)
    precision = "bf16-true" if dtype == torch.bfloat16 else "32-true"
    loader = torch.utils.data.DataLoader(DeviceBatches(x, y), batch_size=None, shuffle=False, num_workers=0)
    trainer = pl.Trainer(accelerator="gpu", devices=1, precision=precision, max_steps=WARMUP + MEASURED, logger=False,
                         enable_progress_bar=False, enable_checkpointing=False, enable_model_summary=False, num_sanity_val_steps=0)
    clock = Clock()
    trainer.callbacks.append(clock)
    trainer.fit(Classifier(), loader)
    return MEASURED * batch / Clock.seconds


def main() -> None:
    if not torch.cuda.is_available():
        print("# gpu: no CUDA device is available to PyTorch here; the baseline measures nothing.")
        return
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    print(f"# gpu: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    for model in ("mlp", "cnn"):
        for batch in (64, 1024):
            for dtype, label in ((torch.float32, "fp32"), (torch.bfloat16, "bf16")):
                name = f"gpu_{model}_{batch}_{label}"
                for loop, run in (("pytorch", plain), ("lightning", lightning)):
                    torch.cuda.reset_peak_memory_stats()
                    rate = statistics.median(run(model, batch, dtype) for _ in range(REPEATS))
                    print(f"BENCH {name}_{loop}_samples_per_s={rate:.6g}")
                    print(f"BENCH {name}_{loop}_peak_mem_mb={torch.cuda.max_memory_allocated() / 2**20:.6g}")


if __name__ == "__main__":
    main()
