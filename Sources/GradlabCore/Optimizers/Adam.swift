/// `torch.optim.Adam` and `torch.optim.AdamW` (decoupled weight decay),
/// with amsgrad and maximize.
///
/// In PyTorch's order: weight decay (into the gradient for Adam, `p *= 1 - lr*wd`
/// for AdamW), `m = lerp(m, g, 1 - beta1)`, `v = beta2*v + (1 - beta2)*g*g`,
/// `denom = sqrt(v) / sqrt(1 - beta2^t) + eps`, `p += (-lr / (1 - beta1^t)) * m / denom`.
public final class Adam<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerState<Scalar>, Optimizer {
    public init(_ config: OptimizerConfig) {
        super.init(config, bufferNames: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
    }

    // Called through `any Optimizer<T>`: without these the generic body runs.
    // The body is its own function: a generic one that holds the update
    // struct instantiates its metadata on entry, before the specialization
    // check (measured: a third of the per-sample loop's time).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        stepAll(p, gradients, count)
    }

    @inline(never)
    private func stepAll(_ p: UnsafeMutablePointer<Scalar>, _ gradients: UnsafePointer<Scalar>, _ count: Int) {
        begin(count: count).apply(parameters: p, gradients: gradients, offset: 0, count: count)
    }

    public func beginStep(count: Int) -> any OptimizerUpdate<Scalar> { begin(count: count) }

    func begin(count: Int) -> AdamUpdate<Scalar> {
        advanceStep()
        let t = Double(stepCount)
        let biasCorrection1 = 1 - _pow(config.beta1, t)
        return AdamUpdate(
            decoupled: config.kind == .adamw, weightDecay: Scalar(config.weightDecay),
            shrink: Scalar(1 - config.lr * config.weightDecay), lerpWeight: 1 - config.beta1,
            beta2: Scalar(config.beta2), oneMinusBeta2: Scalar(1 - config.beta2),
            biasCorrection2Sqrt: Scalar((1 - _pow(config.beta2, t)).squareRoot()),
            negativeStepSize: Scalar(-(config.lr / biasCorrection1)), eps: Scalar(config.eps),
            sign: config.maximize ? -1 : 1,
            m: buffer("exp_avg", count: count), v: buffer("exp_avg_sq", count: count),
            vMax: config.amsgrad ? buffer("max_exp_avg_sq", count: count) : nil)
    }
}

/// One step of ``Adam``.
struct AdamUpdate<Scalar: BinaryFloatingPoint & SIMDScalar & Sendable>: OptimizerUpdate, @unchecked Sendable {
    let decoupled: Bool
    let weightDecay: Scalar, shrink: Scalar
    let lerpWeight: Double
    let beta2: Scalar, oneMinusBeta2: Scalar, biasCorrection2Sqrt: Scalar, negativeStepSize: Scalar, eps: Scalar, sign: Scalar
    let m: UnsafeMutablePointer<Scalar>, v: UnsafeMutablePointer<Scalar>
    /// amsgrad's running maximum; nil without amsgrad.
    let vMax: UnsafeMutablePointer<Scalar>?

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, offset: Int, count: Int) {
        var i = 0
        while i + 8 <= count { update(SIMD8<Scalar>.self, p + i, gradients + i, offset + i); i += 8 }
        while i < count { update(OneLane<Scalar>.self, p + i, gradients + i, offset + i); i += 1 }
    }

    /// The update of the lane at `p`, whose state is at `index`.
    @inline(__always)
    private func update<L: UpdateLane>(_: L.Type, _ p: UnsafeMutablePointer<Scalar>, _ gradient: UnsafePointer<Scalar>, _ index: Int)
    where L.Scalar == Scalar {
        var g = L(broadcast: sign) * L.load(gradient)
        if weightDecay != 0 {
            if decoupled { (L.load(p) * L(broadcast: shrink)).store(p) } else { g = g + L(broadcast: weightDecay) * L.load(p) }
        }
        let mNew = lerpLane(L.load(m + index), g, lerpWeight)
        mNew.store(m + index)
        let vNew = L.load(v + index) * L(broadcast: beta2) + L(broadcast: oneMinusBeta2) * g * g
        vNew.store(v + index)
        var second = vNew
        if let vMax {
            second = L.larger(L.load(vMax + index), vNew)
            second.store(vMax + index)
        }
        let denominator = second.squareRoot() / L(broadcast: biasCorrection2Sqrt) + L(broadcast: eps)
        (L.load(p) + L(broadcast: negativeStepSize) * mNew / denominator).store(p)
    }
}

/// `torch.lerp` as ATen computes it: the formula switches at weight 0.5 so
/// that both ends are exact.
///
/// ATen casts the weight to the tensor's type first and computes `1 - w` in
/// that type; in Float, `Float(1 - w)` would differ from `1 - Float(w)` (for
/// w = 0.9, by 2e-8), so the cast comes first here too.
@inline(__always)
func lerp<Scalar: BinaryFloatingPoint>(_ start: Scalar, _ end: Scalar, _ weight: Double) -> Scalar {
    let w = Scalar(weight)
    if abs(w) < 0.5 {
        return start + w * (end - start)
    }
    return end - (end - start) * (1 - w)
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Foundation
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
#endif
