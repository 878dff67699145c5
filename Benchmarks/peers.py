#!/usr/bin/env python3
"""The tutorial's NumPy and PyTorch code for gradlab's benchmark workloads.

Prints one JSON object with the same keys `gradlab bench` uses, so
`Benchmarks/compare.sh` can divide one by the other. A peer that is not
installed is skipped and named under "skipped".

    python3 Benchmarks/peers.py --points 1000000 --steps 20
"""
import argparse
import json
import sys
import time


def timed(run, repeats=3):
    """Best wall time of `repeats` runs (after one warm-up inside `run`)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def numpy_landscape(np, dtype, points, steps):
    """Example 1 as the tutorial writes it: X = X - lr * gradient_fn(X)."""

    def gradient_fn(input):
        df_x1 = np.cos(input[:, 0]) * np.cos(input[:, 1]) + 0.5 * np.cos(
            0.5 * input[:, 0]
        ) * np.cos(0.5 * input[:, 1])
        df_x2 = -np.sin(input[:, 0]) * np.sin(input[:, 1]) - 0.5 * np.sin(
            0.5 * input[:, 0]
        ) * np.sin(0.5 * input[:, 1])
        return np.stack([df_x1, df_x2], axis=1)

    rng = np.random.default_rng(0)
    start = (rng.random((points, 2)) * 10).astype(dtype)
    learning_rate = dtype(1e-3)

    def run():
        X = start.copy()
        for _ in range(steps):
            X = X - learning_rate * gradient_fn(input=X)

    gradient_fn(start)  # warm
    return points * steps / timed(run)


def torch_landscape(torch, points, steps, autograd):
    """PyTorch CPU float32: the analytic gradient with tensor ops, or
    autograd on f with torch.optim.SGD."""
    g = torch.Generator().manual_seed(0)
    start = torch.rand(points, 2, generator=g, dtype=torch.float32) * 10

    def f(X):
        return torch.sin(X[:, 0]) * torch.cos(X[:, 1]) + torch.sin(0.5 * X[:, 0]) * torch.cos(0.5 * X[:, 1])

    def gradient_fn(X):
        x1, x2 = X[:, 0], X[:, 1]
        d1 = torch.cos(x1) * torch.cos(x2) + 0.5 * torch.cos(0.5 * x1) * torch.cos(0.5 * x2)
        d2 = -torch.sin(x1) * torch.sin(x2) - 0.5 * torch.sin(0.5 * x1) * torch.sin(0.5 * x2)
        return torch.stack([d1, d2], dim=1)

    def run_manual():
        X = start.clone()
        with torch.no_grad():
            for _ in range(steps):
                X = X - 1e-3 * gradient_fn(X)

    def run_autograd():
        X = start.clone().requires_grad_(True)
        optimizer = torch.optim.SGD([X], lr=1e-3)
        for _ in range(steps):
            optimizer.zero_grad()
            f(X).sum().backward()
            optimizer.step()

    run = run_autograd if autograd else run_manual
    return points * steps / timed(run)


def torch_quadratic(torch, epochs):
    """Example 2: apply_step_training without the plots; epochs per second."""
    time_steps = torch.arange(0, 20).float()
    velocity = torch.randn(20) * 3 + 0.75 * (time_steps - 9.5) ** 2 + 1

    def quadratic_fn(time_step, parameters):
        a, b, c = parameters
        return a * (time_step**2) + b * time_step + c

    def loss_function(predicted, real):
        return (real - predicted).square().mean()

    def run():
        learnable_params = torch.randn(3, requires_grad=True)
        for _ in range(epochs):
            predictions = quadratic_fn(time_step=time_steps, parameters=learnable_params)
            loss_val = loss_function(predicted=predictions, real=velocity)
            loss_val.backward()
            with torch.no_grad():
                learnable_params -= 1e-5 * learnable_params.grad
            learnable_params.grad.zero_()

    return epochs / timed(run, repeats=2)


def torch_linear(torch, np, epochs):
    """Example 3's per-sample loop (train then inference_mode test per
    epoch); train steps per second. The 50-row data split 35/15 as
    train_test_split(test_size=0.3) does, without needing scikit-learn."""
    from torch import nn

    class Linear(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(data=torch.rand(1), requires_grad=True)
            self.bias = nn.Parameter(data=torch.rand(1), requires_grad=True)

        def forward(self, input_tensor):
            return self.weight * input_tensor + self.bias

    X = np.arange(0, 1, 0.02)
    y = 0.7 * X + 0.3
    order = np.random.default_rng(42).permutation(len(X))
    X_train = torch.from_numpy(X[order[:35]].astype(np.float32))
    y_train = torch.from_numpy(y[order[:35]].astype(np.float32))
    X_test = torch.from_numpy(X[order[35:]].astype(np.float32))
    y_test = torch.from_numpy(y[order[35:]].astype(np.float32))

    def run():
        linear_model = Linear()
        loss_fn = nn.L1Loss()
        optimizer = torch.optim.SGD(linear_model.parameters())
        for _ in range(epochs):
            epoch_losses_train, epoch_losses_test = [], []
            linear_model.train()
            for x, y_true in zip(X_train, y_train):
                optimizer.zero_grad()
                output_model = linear_model(x)
                loss = loss_fn(output_model, y_true.unsqueeze(0))
                loss.backward()
                optimizer.step()
                epoch_losses_train.append(loss.item())
            linear_model.eval()
            with torch.inference_mode():
                for x, y_true in zip(X_test, y_test):
                    output_model = linear_model(x)
                    loss = loss_fn(output_model, y_true.unsqueeze(0))
                    epoch_losses_test.append(loss.item())

    return 35 * epochs / timed(run, repeats=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="small sizes")
    args = parser.parse_args()
    points = 100_000 if args.quick else args.points
    steps = 5 if args.quick else args.steps
    result = {"points": points, "steps": steps, "python": sys.version.split()[0], "skipped": {}}
    try:
        import numpy as np

        result["numpy"] = np.__version__
        result["numpy_f64_landscape"] = numpy_landscape(np, np.float64, points, steps)
        result["numpy_f32_landscape"] = numpy_landscape(np, np.float32, points, steps)
    except ImportError as error:
        result["skipped"]["numpy"] = str(error)
    try:
        import numpy as np
        import torch

        result["torch"] = torch.__version__
        result["torch_threads"] = torch.get_num_threads()
        result["torch_f32_landscape"] = torch_landscape(torch, points, steps, autograd=False)
        result["torch_f32_landscape_autograd_sgd"] = torch_landscape(torch, points, steps, autograd=True)
        result["torch_quadratic_epochs"] = torch_quadratic(torch, 200 if args.quick else 2000)
        result["torch_linear_steps"] = torch_linear(torch, np, 5 if args.quick else 50)
    except ImportError as error:
        result["skipped"]["torch"] = f"{error} (set PYTHON= to an interpreter with torch)"
    print(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
