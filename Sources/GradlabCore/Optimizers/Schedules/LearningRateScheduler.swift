/// A schedule in progress: `torch.optim.lr_scheduler`'s `last_epoch` and
/// the rate it last set.
///
/// Drive it like PyTorch's loop: train an epoch with ``learningRate``, then
/// ``step()`` and hand the result to the optimizer (`optimizer.config.lr`).
///
///     var scheduler = LearningRateScheduler(.exponential(gamma: 0.95), base: 0.1)
///     for _ in 0..<epochs {
///         optimizer.config.lr = scheduler.learningRate
///         runEpoch()
///         scheduler.step()
///     }
///
/// Codable so a checkpoint or run file can resume it where it stopped.
public struct LearningRateScheduler: Codable, Sendable, Equatable {
    public let schedule: LearningRateSchedule
    /// The rate the schedule started from (PyTorch's `base_lrs[0]`).
    public let base: Double
    /// Steps taken (PyTorch's `last_epoch`); 0 before the first.
    public private(set) var epoch: Int
    /// The rate for the next epoch (`optimizer.param_groups[0]["lr"]`).
    public private(set) var learningRate: Double

    /// A fresh schedule starting at `base`, as constructing a PyTorch
    /// scheduler over an optimizer whose lr is `base` does.
    public init(_ schedule: LearningRateSchedule, base: Double) {
        self.schedule = schedule
        self.base = base
        epoch = 0
        learningRate = base
    }

    /// Advances one epoch and returns the new rate.
    @discardableResult
    public mutating func step() -> Double {
        epoch += 1
        learningRate = schedule.learningRate(base: base, epoch: epoch, previous: learningRate)
        return learningRate
    }

    /// Takes a rate set by hand (the TUI's `+`/`-`); later steps continue
    /// from it, as PyTorch's chainable schedulers do after `group["lr"] = x`.
    public mutating func override(learningRate rate: Double) {
        learningRate = rate
    }
}
