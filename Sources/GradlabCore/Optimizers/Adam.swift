/// `torch.optim.Adam` and `torch.optim.AdamW` (decoupled weight decay),
/// with amsgrad and maximize.
///
/// In PyTorch's order: weight decay (into the gradient for Adam, `p *= 1 - lr*wd`
/// for AdamW), `m = lerp(m, g, 1 - beta1)`, `v = beta2*v + (1 - beta2)*g*g`,
/// `denom = sqrt(v) / sqrt(1 - beta2^t) + eps`, `p += (-lr / (1 - beta1^t)) * m / denom`.
public final class Adam<Scalar: BinaryFloatingPoint & Sendable>: OptimizerState<Scalar>, Optimizer {
    public init(_ config: OptimizerConfig) {
        super.init(config, bufferNames: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
    }

    // Called through `any Optimizer<T>`: without these the generic body runs.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(parameters p: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>, count: Int) {
        advanceStep()
        let t = Double(stepCount)
        let decoupled = config.kind == .adamw
        let weightDecay = Scalar(config.weightDecay)
        let shrink = Scalar(1 - config.lr * config.weightDecay)
        let lerpWeight = 1 - config.beta1
        let beta2 = Scalar(config.beta2)
        let oneMinusBeta2 = Scalar(1 - config.beta2)
        let biasCorrection1 = 1 - _pow(config.beta1, t)
        let biasCorrection2Sqrt = Scalar((1 - _pow(config.beta2, t)).squareRoot())
        let negativeStepSize = Scalar(-(config.lr / biasCorrection1))
        let eps = Scalar(config.eps)
        let sign: Scalar = config.maximize ? -1 : 1
        let m = buffer("exp_avg", count: count)
        let v = buffer("exp_avg_sq", count: count)
        let vMax = config.amsgrad ? buffer("max_exp_avg_sq", count: count) : nil
        for i in 0..<count {
            var g = sign * gradients[i]
            if weightDecay != 0 {
                if decoupled { p[i] = p[i] * shrink } else { g = g + weightDecay * p[i] }
            }
            m[i] = lerp(m[i], g, lerpWeight)
            v[i] = v[i] * beta2 + oneMinusBeta2 * g * g
            var second = v[i]
            if let vMax {
                vMax[i] = Swift.max(vMax[i], v[i])
                second = vMax[i]
            }
            let denominator = second.squareRoot() / biasCorrection2Sqrt + eps
            p[i] = p[i] + negativeStepSize * m[i] / denominator
        }
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
