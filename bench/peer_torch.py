#!/usr/bin/env python3
"""The benchmark's reference peer: the course MLP in PyTorch, on the same CPU.

Same network as the workbook (784 -> Dense(128, relu) -> Dense(10), softmax
folded into the loss: CrossEntropyLoss on logits), Keras' initialization
(Glorot-uniform kernels, zero biases), Adam with learning rate 0.001 and
Keras' epsilon 1e-7, the same batch size and epochs, the training set
reshuffled every epoch, and a running loss and accuracy kept as tfjs' loop
keeps them. Runs on `--threads` intra-op threads (default 2) with OpenBLAS
held to one thread, so that the two thread pools do not fight over the cores.

With --model cnn it trains the same convolutional network as src/cnn.ts
(createCnn: two 3×3 valid convolutions with 32 and 64 filters, 2×2 max
pooling after each, Dense 128 relu, Dense 10), initialized and optimized
the same way.

Started by bench/run.ts; prints exactly one JSON line to stdout. Where torch
cannot be imported it prints {"ok": false, ...} with how to install it.

    OPENBLAS_NUM_THREADS=1 python3 bench/peer_torch.py --batch-size 32 --epochs 5 --seed 42
    python3 bench/peer_torch.py --probe
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

# Before numpy/torch load their BLAS: one BLAS thread, torch's own pool does the rest.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

INSTALL = "sudo apt install python3-torch  (Debian/Ubuntu; or: pip install torch)"
INFERENCE_REPEATS = 3
EVALUATION_BATCH = 2500  # as src/evaluate.ts


def emit(result):
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


def default_data_dir():
    env = os.environ.get("MNIST_DATA_DIR", "").strip()
    if env:
        return os.path.abspath(env)
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.abspath(os.path.join(here, "..", "..", "shared", "data", "mnist"))


def read_idx(directory, name, np):
    """An IDX file as a numpy array; gzip-compressed or unpacked without .gz."""
    path = os.path.join(directory, name)
    if os.path.exists(path):
        with gzip.open(path, "rb") as f:
            data = f.read()
    else:
        with open(path[: -len(".gz")], "rb") as f:
            data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(directory, prefix, np, limit=None):
    images = read_idx(directory, prefix + "-images-idx3-ubyte.gz", np)
    labels = read_idx(directory, prefix + "-labels-idx1-ubyte.gz", np)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    x = (images.reshape(images.shape[0], -1).astype(np.float32)) / np.float32(255)
    return x, labels.astype(np.int64)


def blas_libraries():
    """The BLAS shared libraries this process has loaded (Debian's torch uses whichever libblas.so.3 is selected)."""
    found = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if "blas" in name and path not in found:
                    found.append(path)
    except OSError:
        pass
    return [os.path.realpath(p) for p in found]


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", default=default_data_dir())
    parser.add_argument("--train-limit", type=int, default=None)
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp",
                        help="mlp: the course model; cnn: src/cnn.ts' createCnn (same layers, valid padding, Adam)")
    parser.add_argument("--probe", action="store_true", help="only check that torch imports")
    args = parser.parse_args()

    try:
        import numpy as np
        import torch
        from torch import nn
    except ImportError as error:
        emit({"kind": "torch", "ok": False, "backend": "pytorch", "error": str(error), "install": INSTALL})
        return

    if args.probe:
        emit({"kind": "torch", "ok": True, "probe": True, "backend": "pytorch",
              "torchVersion": torch.__version__, "numpyVersion": np.__version__, "python": sys.executable,
              "pythonVersion": sys.version.split()[0], "threads": args.threads, "blas": blas_libraries()})
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    load_start = time.perf_counter()
    x_train, y_train = load_split(args.data_dir, "train", np, args.train_limit)
    x_test, y_test = load_split(args.data_dir, "t10k", np)
    x_train, y_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
    x_test, y_test = torch.from_numpy(x_test), torch.from_numpy(y_test)
    load_seconds = time.perf_counter() - load_start

    if args.model == "cnn":
        # createCnn(): Conv 3×3 (32, relu, valid) → MaxPool 2 → Conv 3×3 (64, relu, valid) → MaxPool 2 → Flatten
        # → Dense 128 relu → Dense 10. Channels first, as PyTorch lays out images; the flattened order
        # differs from tfjs' channels-last one, which changes nothing for training from random weights.
        model = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    for layer in model:
        if isinstance(layer, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(layer.weight)  # Keras' glorot_uniform
            nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(args.seed)

    count = x_train.shape[0]
    seconds_per_epoch, train_loss, train_accuracy = [], [], []
    for epoch in range(args.epochs):
        if args.model == "cnn" and args.epochs > 1 and epoch == args.epochs - 1:
            # As the CNN notebook trains: the last epoch at a tenth of the learning rate.
            for group in optimizer.param_groups:
                group["lr"] = 0.0001
        started = time.perf_counter()
        model.train()
        order = torch.randperm(count, generator=shuffle)
        loss_sum = torch.zeros(())
        correct = torch.zeros((), dtype=torch.int64)
        for start in range(0, count, args.batch_size):
            index = order[start:start + args.batch_size]
            xb, yb = x_train[index], y_train[index]
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach() * xb.shape[0]
                correct += (logits.argmax(1) == yb).sum()
        seconds_per_epoch.append(time.perf_counter() - started)
        train_loss.append(loss_sum.item() / count)
        train_accuracy.append(correct.item() / count)
        sys.stderr.write(f"  pytorch {args.model} batch {args.batch_size} seed {args.seed}: epoch {len(seconds_per_epoch)}/{args.epochs} "
                         f"loss {train_loss[-1]:.4f} acc {train_accuracy[-1]:.4f}\n")

    model.eval()

    def probabilities(x):
        with torch.no_grad():
            return torch.cat([torch.softmax(model(x[i:i + EVALUATION_BATCH]), dim=1)
                              for i in range(0, x.shape[0], EVALUATION_BATCH)])

    def evaluate():
        p = probabilities(x_test).clamp(1e-7, 1 - 1e-7)  # as Keras (and src/loss.ts) evaluate
        loss = -torch.log(p.gather(1, y_test.unsqueeze(1))).mean().item()
        return loss, (p.argmax(1) == y_test).double().mean().item()

    def predict():
        return probabilities(x_test).argmax(1).numpy().astype(np.uint8)

    evaluate_ms, predict_ms = [], []
    for _ in range(INFERENCE_REPEATS if args.model == "mlp" else 1):  # the CNN's passes take seconds each
        t = time.perf_counter()
        test_loss, test_accuracy = evaluate()
        evaluate_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        predict()
        predict_ms.append((time.perf_counter() - t) * 1000)

    emit({
        "kind": "torch", "ok": True, "backend": "pytorch", "model": args.model,
        "batchSize": args.batch_size, "epochs": args.epochs, "seed": args.seed,
        "trainSamples": int(count), "testSamples": int(x_test.shape[0]),
        "loadSeconds": load_seconds,
        "secondsPerEpoch": seconds_per_epoch, "trainLoss": train_loss, "trainAccuracy": train_accuracy,
        "testLoss": test_loss, "testAccuracy": test_accuracy,
        "evaluateMs": sorted(evaluate_ms)[len(evaluate_ms) // 2],
        "predictMs": sorted(predict_ms)[len(predict_ms) // 2],
        "peakRssMiB": peak_rss_mib(), "cpuSeconds": cpu_seconds(),
        "torchVersion": torch.__version__, "numpyVersion": np.__version__, "threads": torch.get_num_threads(),
    })


if __name__ == "__main__":
    main()
