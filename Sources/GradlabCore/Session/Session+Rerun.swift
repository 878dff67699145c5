/// Re-running a run from its start: ``Session/rewind()`` after a
/// divergence, and ``Session/settle(at:)`` after an epoch block that ran
/// past the epoch at which the run stops.
extension Session {
    /// After a divergence, goes back to the last finite epoch: rebuilds the
    /// lab as it was at the start (or the last reset) and re-runs the same
    /// epochs with the same commands at the same epochs (training is
    /// deterministic, so it reaches the same state). Commands given after the
    /// divergence (a lower lr) apply at that epoch, ready to run on.
    ///
    /// The recording shows it as what it is: a reset to the same seed (with
    /// the start's optimizer, so a fork re-runs it alike) and the re-run epochs.
    /// - Returns: the epoch reached.
    @discardableResult
    public func rewind() throws(GradlabError) -> Int {
        guard let target = rewindEpoch else { throw GradlabError("nothing to rewind: the run has not diverged") }
        guard failure == nil else { throw GradlabError("the device stopped this run; it cannot be re-run") }
        try rerun(to: target)
        return lab.epoch
    }

    /// An epoch block diverged at `epoch` before its last epoch, or the run
    /// was stopped there (``step(_:until:)``), so the lab ran past the epoch
    /// at which the run stops. Re-runs the run to that epoch unseen (nothing
    /// is published), leaving the state, the logs and the lab as running
    /// epoch by epoch would have. It costs a re-run of the run so far, once,
    /// when a run diverges or stops.
    func settle(at epoch: Int) {
        muted = true
        defer { muted = false }
        do {
            try rerun(to: epoch)
        } catch {
            failure = error.message
        }
        // The caller publishes the record (and the divergence, if any).
        divergenceReported = false
    }

    /// Rebuilds the lab from the log's start and re-runs it to `target`,
    /// applying each logged command at its epoch.
    private func rerun(to target: Int) throws(GradlabError) {
        let log = rerun
        let settings = config
        lab = try makeLab(log.base, device: computeDevice)
        Self.configure(lab, streaming: streaming, sinks: sinks)
        dropped = []
        if let checkpoint = log.checkpoint { try lab.restore(checkpoint) }
        config = log.base
        config.device = settings.device
        divergenceReported = false
        rerun = RerunLog(base: log.base, checkpoint: log.checkpoint, startEpoch: log.startEpoch)
        publish(.reset(epoch: 0, seed: log.base.seed))
        // A fork's reset keeps the optimizer it has: say the start's.
        if log.base.compare == nil, settings.optimizer != log.base.optimizer {
            publish(.optimizer(epoch: lab.epoch, config: log.base.optimizer))
        } else if let compare = log.base.compare, compare.map(\.lr) != settings.compare?.map(\.lr) {
            publish(.groupLearningRates(epoch: lab.epoch, lrs: compare.map(\.lr)))
        }
        let start = recordOrStop { () throws(GradlabError) in try lab.startRecord() }
        latest = start
        publish(.epoch(start))
        var pending = log.commands[...]
        func apply(_ command: RerunLog.Command) throws(GradlabError) {
            switch command {
            case .learningRate(let lr): try setLearningRate(lr)
            case .groupLearningRates(let lrs): try setGroupLearningRates(lrs)
            case .optimizer(let optimizer): try setOptimizer(optimizer)
            case .function(let expression, let name, let domain): try setFunction(expression, name: name, domain: domain)
            case .addPoint(let point): try addPoint(point)
            case .parameters(let values): try setParameters(values)
            }
        }
        while lab.epoch < target, !isDiverged {
            while let next = pending.first, next.epoch <= lab.epoch {
                try apply(next.command)
                pending.removeFirst()
            }
            // Up to the next command's epoch, in blocks.
            let until = min(target, pending.first?.epoch ?? target)
            step(max(1, until - lab.epoch))
        }
        // What was changed after the divergence holds from here on.
        for next in pending { try apply(next.command) }
    }
}
