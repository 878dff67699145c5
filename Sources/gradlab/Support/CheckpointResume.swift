import GradlabCore

extension Checkpoint {
    /// Whether a checkpoint can be continued from (`--load`) as asked: when
    /// its optimizer file resumes an optimizer, optimizer flags and
    /// `--schedule` on the command line must describe exactly that optimizer
    /// (its `lr` the schedule's base rate, as `--lr` gave it) and its
    /// schedule, or the run is refused: they would not apply, and the
    /// recording must say what ran (issue 13, defect 5).
    /// - Parameter requested: the optimizer and schedule the flags describe
    ///   (defaults where a flag is not given), when any of them was given.
    static func checkResumable(_ checkpoint: LoadedCheckpoint, path: String,
                               requested: (optimizer: OptimizerConfig, schedule: LearningRateSchedule?)?) throws(GradlabError) {
        guard let requested, let state = checkpoint.optimizer else { return }
        let saved = (optimizer: state.baseConfig, schedule: scheduled(state.scheduler?.schedule))
        let asked = (optimizer: requested.optimizer, schedule: scheduled(requested.schedule))
        guard saved.optimizer != asked.optimizer || saved.schedule != asked.schedule else { return }
        // The schedules are named when either side has one.
        let named = saved.schedule != nil || asked.schedule != nil
        func describe(_ optimizer: OptimizerConfig, _ schedule: LearningRateSchedule?) -> String {
            optimizer.summary + (named ? schedule.map { " with --schedule \($0)" } ?? " with no schedule" : "")
        }
        let progress = state.scheduler.map { " (epoch \(checkpoint.epoch), lr now \(displayNumber($0.learningRate)))" } ?? ""
        throw GradlabError("--load \(path): its optimizer file resumes \(describe(saved.optimizer, saved.schedule)) at step \(state.stepCount)\(progress), "
            + "not the \(describe(asked.optimizer, asked.schedule)) the flags ask for: drop the flags to resume, or move \(optimizerPath(for: path)) away to start afresh")
    }

    /// A schedule that moves the rate; nil for none (`--schedule none` and no flag alike).
    private static func scheduled(_ schedule: LearningRateSchedule?) -> LearningRateSchedule? {
        schedule == .constant ? nil : schedule
    }
}

extension LabConfig {
    /// What a landscape checkpoint says of the run that made it, where the
    /// command line does not: its point count and its f (a named one's
    /// domain too), so `--load` and `eval` need no flags to match it.
    mutating func adopt(_ checkpoint: LoadedCheckpoint, pointsGiven: Bool, functionGiven: Bool, domainGiven: Bool) {
        guard lab == .landscape, checkpoint.lab == .landscape else { return }
        if !pointsGiven, starts == nil, let count = checkpoint.params.first(where: { $0.name == "x1" })?.values.count, count > 0 {
            points = count
        }
        if !functionGiven, let trained = checkpoint.function {
            function = trained.expression
            functionName = trained.name
            if !domainGiven, let name = trained.name, let named = TestFunction.named(name) { domain = named.domain }
        }
    }
}
