"""Writes Tests/Fixtures/optimizers/*.json: torch.optim trajectories on the
tutorial's landscape, one file per optimizer setting.

Each case runs like Tests/Fixtures/reference/optim_adam.json: the same 5 start
points, f(x1, x2) = sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2), loss =
f(X).sum() (so each point gets its own gradient), autograd for the gradient,
one optimizer step per epoch, then one scheduler step when the case has one.

    python3 Benchmarks/reference/make_optimizer_fixtures.py [PREFIX...]

With prefixes, only the cases whose names start with one (`nadam`,
`quadratic_`) are written; the older files were made with torch 2.15, the
NAdam, RAdam, Adamax, Adadelta and Rprop ones with torch 2.13.

Needs torch (CPU is enough); gradlab's tests only read the JSON it writes.
The files record `lr[epoch]`, the learning rate the step of epoch+1 used,
`grad[epoch][point] = [d/dx1, d/dx2]`, the gradient that step used, and
`trajectory[epoch][point] = [x1, x2]`, epoch 0 being the start.

ATEN_CPU_CAPABILITY=default: PyTorch's vectorized CPU kernels (AVX2, AVX-512,
NEON) fuse multiply-adds (`add(alpha=)`, `addcmul`, `lerp` become fma), so
their last bits depend on the machine; the default-capability kernels round
every operation as written, as gradlab's optimizers and NumPy do. With it the
fixtures are one well-defined reference that gradlab matches to the bit.
"""
import json
import os
import pathlib
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "default"  # before torch loads its kernels

import torch  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "optimizers"
EPOCHS = 100

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
    "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam,
    "adamax": torch.optim.Adamax,
    "adadelta": torch.optim.Adadelta,
    "rprop": torch.optim.Rprop,
}

SCHEDULERS = {
    "step": lambda opt, a: torch.optim.lr_scheduler.StepLR(opt, step_size=a["step_size"], gamma=a["gamma"]),
    "exponential": lambda opt, a: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=a["gamma"]),
    "cosine": lambda opt, a: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a["T_max"], eta_min=a["eta_min"]),
}

# name, optimizer, torch keyword arguments, dtype, schedule (or None)
CASES = [
    ("sgd_momentum_dampening", "sgd", dict(lr=0.05, momentum=0.9, dampening=0.3), "f64", None),
    ("sgd_nesterov", "sgd", dict(lr=0.05, momentum=0.9, nesterov=True), "f64", None),
    ("sgd_weight_decay", "sgd", dict(lr=0.05, momentum=0.5, weight_decay=0.01), "f64", None),
    ("sgd_maximize", "sgd", dict(lr=0.05, momentum=0.9, maximize=True), "f64", None),
    ("adam_weight_decay", "adam", dict(lr=0.05, weight_decay=0.1), "f64", None),
    ("adam_amsgrad", "adam", dict(lr=0.05, amsgrad=True), "f64", None),
    ("adam_maximize", "adam", dict(lr=0.05, maximize=True), "f64", None),
    ("adam_betas_eps", "adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), "f64", None),
    # beta1 < 0.5: lerp's weight 1 - beta1 takes ATen's other formula.
    ("adam_low_beta1", "adam", dict(lr=0.05, betas=(0.3, 0.9)), "f64", None),
    ("adamw_default", "adamw", dict(lr=0.05), "f64", None),
    ("adamw_amsgrad", "adamw", dict(lr=0.05, weight_decay=0.1, amsgrad=True), "f64", None),
    ("rmsprop_default", "rmsprop", dict(lr=0.01), "f64", None),
    ("rmsprop_momentum", "rmsprop", dict(lr=0.01, momentum=0.9), "f64", None),
    ("rmsprop_centered", "rmsprop", dict(lr=0.01, centered=True), "f64", None),
    ("rmsprop_centered_momentum_wd", "rmsprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.05), "f64", None),
    ("adagrad_default", "adagrad", dict(lr=0.1), "f64", None),
    ("adagrad_lr_decay", "adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01), "f64", None),
    ("adam_amsgrad_f32", "adam", dict(lr=0.05, amsgrad=True), "f32", None),
    ("adam_low_beta1_f32", "adam", dict(lr=0.05, betas=(0.3, 0.9)), "f32", None),
    ("rmsprop_centered_momentum_wd_f32", "rmsprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.05), "f32", None),
    # Options are never exactly 0 or 1 (a JSON reader could take them for
    # booleans); a case without lr uses torch's default rate, as the CLI must.
    ("nadam_default", "nadam", dict(), "f64", None),
    ("nadam_momentum_decay_betas", "nadam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, momentum_decay=0.01), "f64", None),
    ("nadam_weight_decay_maximize", "nadam", dict(lr=0.05, weight_decay=0.05, maximize=True), "f64", None),
    ("nadam_decoupled_weight_decay", "nadam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), "f64", None),
    ("radam_default", "radam", dict(lr=0.05), "f64", None),
    # beta1 < 0.5: lerp's other formula (not as low as 0.3, which amplifies
    # an ulp of the gradient to 1e-6 here, as adam_low_beta1 does).
    ("radam_betas_weight_decay", "radam", dict(lr=0.05, betas=(0.45, 0.95), eps=1e-6, weight_decay=0.05), "f64", None),
    ("radam_decoupled_weight_decay_maximize", "radam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True), "f64", None),
    ("adamax_default", "adamax", dict(), "f64", None),
    ("adamax_betas_weight_decay", "adamax", dict(lr=0.02, betas=(0.4, 0.99), eps=1e-6, weight_decay=0.05), "f64", None),
    ("adamax_maximize", "adamax", dict(lr=0.05, maximize=True), "f64", None),
    ("adadelta_default", "adadelta", dict(), "f64", None),
    ("adadelta_rho_eps_weight_decay", "adadelta", dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1), "f64", None),
    ("adadelta_maximize", "adadelta", dict(lr=2.0, maximize=True), "f64", None),
    ("rprop_default", "rprop", dict(), "f64", None),
    ("rprop_etas_step_sizes", "rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)), "f64", None),
    ("rprop_maximize", "rprop", dict(lr=0.02, maximize=True), "f64", None),
    ("nadam_decoupled_weight_decay_f32", "nadam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), "f32", None),
    ("radam_default_f32", "radam", dict(lr=0.05), "f32", None),
    ("adamax_betas_weight_decay_f32", "adamax", dict(lr=0.02, betas=(0.4, 0.99), eps=1e-6, weight_decay=0.05), "f32", None),
    ("adadelta_default_f32", "adadelta", dict(), "f32", None),
    ("adadelta_rho_f32", "adadelta", dict(lr=0.2, rho=0.95, eps=1e-3), "f32", None),
    ("rprop_etas_step_sizes_f32", "rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)), "f32", None),
    ("schedule_step", "sgd", dict(lr=0.1), "f64", dict(kind="step", step_size=7, gamma=0.5)),
    ("schedule_exponential", "sgd", dict(lr=0.1, momentum=0.5), "f64", dict(kind="exponential", gamma=0.95)),
    ("schedule_cosine", "sgd", dict(lr=0.2), "f64", dict(kind="cosine", T_max=30, eta_min=0.001)),
    ("schedule_cosine_long", "sgd", dict(lr=0.1, momentum=0.9), "f64", dict(kind="cosine", T_max=150, eta_min=0.0)),
]


def f(x1, x2):
    return torch.sin(x1) * torch.cos(x2) + torch.sin(0.5 * x1) * torch.cos(0.5 * x2)


def run(name, kind, kwargs, dtype_name, schedule, starts):
    dtype = torch.float64 if dtype_name == "f64" else torch.float32
    X = torch.tensor(starts, dtype=dtype, requires_grad=True)
    # foreach=False: the single-tensor path, torch's default for CPU tensors.
    optimizer = OPTIMIZERS[kind]([X], foreach=False, **kwargs)
    scheduler = SCHEDULERS[schedule["kind"]](optimizer, schedule) if schedule else None
    trajectory = [X.detach().tolist()]
    lrs = []
    grads = []
    for _ in range(EPOCHS):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        f(X[:, 0], X[:, 1]).sum().backward()
        grads.append(X.grad.tolist())
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        trajectory.append(X.detach().tolist())
    options = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    return {
        "case": name,
        "optimizer": kind,
        "options": options,
        "schedule": schedule,
        "dtype": dtype_name,
        "epochs": EPOCHS,
        "lr": lrs,
        "grad": grads,
        "trajectory": trajectory,
        "producedBy": f"torch {torch.__version__} torch.optim (foreach=False, ATEN_CPU_CAPABILITY="
        f"{torch.backends.cpu.get_cpu_capability()}), {dtype_name}, loss = f(X).sum()",
    }


# The quadratic lab (Example 2) in float64: a*t^2 + b*t + c fitted to the
# tutorial's data by full-batch MSE, one step per epoch. Written to
# Tests/Fixtures/optimizers/quadratic/.
QUADRATIC_EPOCHS = 50
QUADRATIC_CASES = [
    ("nadam_decoupled_weight_decay", "nadam", dict(lr=0.05, weight_decay=0.01, decoupled_weight_decay=True)),
    # The first steps (rho_t <= 5) are SGD with momentum on a gradient of ~1e4.
    ("radam", "radam", dict(lr=1e-5)),
    ("adamax", "adamax", dict(lr=0.05)),
    ("adadelta", "adadelta", dict()),
    ("rprop", "rprop", dict()),
    ("rprop_etas_step_sizes", "rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
]


def run_quadratic(name, kind, kwargs, data, initial):
    t = torch.tensor(data["t"], dtype=torch.float64)
    v = torch.tensor(data["v"], dtype=torch.float64)
    params = torch.tensor([initial["a"], initial["b"], initial["c"]], dtype=torch.float64, requires_grad=True)
    optimizer = OPTIMIZERS[kind]([params], foreach=False, **kwargs)
    trajectory = [params.detach().tolist()]
    losses = []
    grads = []
    for _ in range(QUADRATIC_EPOCHS):
        optimizer.zero_grad()
        a, b, c = params[0], params[1], params[2]
        loss = (v - (a * t**2 + b * t + c)).square().mean()
        loss.backward()
        losses.append(loss.item())
        grads.append(params.grad.tolist())
        optimizer.step()
        trajectory.append(params.detach().tolist())
    options = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    return {
        "case": name,
        "lab": "quadratic",
        "optimizer": kind,
        "options": options,
        "dtype": "f64",
        "epochs": QUADRATIC_EPOCHS,
        "data": data,
        "init": initial,
        "loss": losses,
        "grad": grads,
        "params": trajectory,
        "producedBy": f"torch {torch.__version__} torch.optim (foreach=False, ATEN_CPU_CAPABILITY="
        f"{torch.backends.cpu.get_cpu_capability()}), f64, loss = (v - (a*t**2 + b*t + c)).square().mean()",
    }


def main(selected):
    """Writes every case, or those whose names start with one of `selected`."""
    def wanted(name):
        return not selected or any(name.startswith(prefix) for prefix in selected)

    reference = json.loads((ROOT / "Tests" / "Fixtures" / "reference" / "optim_adam.json").read_text())
    starts = reference["trajectory"][0]
    OUT.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if not wanted(case[0]):
            continue
        result = run(*case, starts)
        (OUT / f"{case[0]}.json").write_text(json.dumps(result, separators=(",", ":")) + "\n")
        print(case[0], result["trajectory"][-1][0])
    quadratic = json.loads((ROOT / "Tests" / "Fixtures" / "reference" / "quadratic_seed.json").read_text())
    (OUT / "quadratic").mkdir(exist_ok=True)
    for name, kind, kwargs in QUADRATIC_CASES:
        if not wanted("quadratic_" + name):
            continue
        result = run_quadratic(name, kind, kwargs, quadratic["data"], quadratic["init"])
        (OUT / "quadratic" / f"{name}.json").write_text(json.dumps(result, separators=(",", ":")) + "\n")
        print("quadratic", name, result["params"][-1])


if __name__ == "__main__":
    main(sys.argv[1:])
