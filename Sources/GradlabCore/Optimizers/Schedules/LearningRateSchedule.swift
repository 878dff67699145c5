#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// How the learning rate changes from epoch to epoch, with
/// `torch.optim.lr_scheduler` semantics.
///
/// PyTorch computes each epoch's rate from the previous one (the "chainable"
/// form of `get_lr()`), not from a closed formula, and the two differ in the
/// last bits; ``learningRate(base:epoch:previous:)`` reproduces the chainable
/// form operation for operation, so gradlab's rates are PyTorch's bit for bit:
///
///     var scheduler = LearningRateScheduler(.step(stepSize: 10, gamma: 0.5), base: 0.1)
///     scheduler.step()   // the rate for the second epoch
///
/// The CLI spelling (`step:10,0.5`, `exp:0.95`, `cosine:100,0`, `none`) is
/// read by ``parse(_:)`` and written by ``description``.
public enum LearningRateSchedule: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The rate stays where it is (no scheduler).
    case constant
    /// `StepLR(step_size, gamma)`: times `gamma` every `stepSize` epochs.
    case step(stepSize: Int, gamma: Double)
    /// `ExponentialLR(gamma)`: times `gamma` every epoch.
    case exponential(gamma: Double)
    /// `CosineAnnealingLR(T_max, eta_min)`: half a cosine from the base rate
    /// down to `etaMin` over `tMax` epochs, then back up, periodically.
    case cosine(tMax: Int, etaMin: Double)

    /// The rate for epoch `epoch` (PyTorch's `last_epoch`, 1 after the first
    /// `scheduler.step()`), given the rate the optimizer had before it.
    ///
    /// Chainable like PyTorch's `get_lr()`: a rate changed by hand between
    /// epochs (`group["lr"] = ...`, the TUI's `+`/`-`) is carried on from, while
    /// cosine's amplitude still uses `base`, the rate the schedule started at.
    ///
    /// - Parameters:
    ///   - base: the optimizer's rate when the schedule began (`base_lrs`).
    ///   - epoch: the epoch being entered, at least 1.
    ///   - previous: the rate in force during epoch `epoch - 1`.
    public func learningRate(base: Double, epoch: Int, previous: Double) -> Double {
        guard epoch > 0 else { return previous }
        switch self {
        case .constant:
            return previous
        case .step(let stepSize, let gamma):
            return epoch % stepSize == 0 ? previous * gamma : previous
        case .exponential(let gamma):
            return previous * gamma
        case .cosine(let tMax, let etaMin):
            let period = Double(tMax)
            // Every 2 T_max epochs from T_max + 1; a 2 T_max past Int.max
            // (`cos:5777777777777777777`, found by FuzzSchedule) has no
            // multiple but 0 in reach.
            let offset = epoch - 1 - tMax
            let (cycle, overflow) = tMax.multipliedReportingOverflow(by: 2)
            if overflow ? offset == 0 : offset % cycle == 0 {
                // The step past the bottom: the ratio below would divide by
                // 1 + cos(pi) = 0, so PyTorch adds the first rise instead.
                return previous + (base - etaMin) * (1 - cos(Double.pi / period)) / 2
            }
            let ratio = (1 + cos(Double.pi * Double(epoch) / period)) / (1 + cos(Double.pi * Double(epoch - 1) / period))
            return ratio * (previous - etaMin) + etaMin
        }
    }

    /// PyTorch's closed form (`_get_closed_form_lr`), for plotting the
    /// schedule ahead of time; it agrees with the chainable rates to a few
    /// ulps while the rate is never changed by hand.
    public func closedFormLearningRate(base: Double, epoch: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .step(let stepSize, let gamma):
            return base * pow(gamma, Double(epoch / stepSize))
        case .exponential(let gamma):
            return base * pow(gamma, Double(epoch))
        case .cosine(let tMax, let etaMin):
            return etaMin + (base - etaMin) * (1 + cos(Double.pi * Double(epoch) / Double(tMax))) / 2
        }
    }

    /// Checks the ranges PyTorch's constructors accept (and a few it lets
    /// through but that make no sense, such as a zero gamma).
    public func validate() throws(GradlabError) {
        switch self {
        case .constant:
            return
        case .step(let stepSize, let gamma):
            if stepSize < 1 { throw GradlabError("--schedule step: step size must be at least 1, got \(stepSize)") }
            try Self.requirePositive(gamma, "step: gamma")
        case .exponential(let gamma):
            try Self.requirePositive(gamma, "exp: gamma")
        case .cosine(let tMax, let etaMin):
            if tMax < 1 { throw GradlabError("--schedule cosine: T_max must be at least 1, got \(tMax)") }
            if !(etaMin >= 0 && etaMin.isFinite) {
                throw GradlabError("--schedule cosine: eta_min must be a number >= 0, got \(etaMin)")
            }
        }
    }

    private static func requirePositive(_ value: Double, _ what: String) throws(GradlabError) {
        if !(value > 0 && value.isFinite) {
            throw GradlabError("--schedule \(what) must be a positive number, got \(value)")
        }
    }

    /// The CLI spelling, which ``parse(_:)`` reads back: `none`,
    /// `step:10,0.5`, `exp:0.95`, `cosine:100,0`.
    public var description: String {
        switch self {
        case .constant: "none"
        case .step(let stepSize, let gamma): "step:\(stepSize),\(formatNumber(gamma))"
        case .exponential(let gamma): "exp:\(formatNumber(gamma))"
        case .cosine(let tMax, let etaMin): "cosine:\(tMax),\(formatNumber(etaMin))"
        }
    }
}
