/// Checkpoints: the state `--save` writes, and resuming one (`--load`, or
/// a resumed run's recording, whose config holds the state it started from).
extension Session {
    /// The parameters and optimizer state, for `--save`.
    public func checkpoint() throws(GradlabError) -> (params: [NamedValues], optimizer: OptimizerCheckpoint, epoch: Int) {
        guard config.compare == nil else { throw GradlabError("--save cannot be combined with --compare") }
        return (lab.checkpointParameters, lab.optimizerCheckpoint, lab.epoch)
    }

    /// Continues from a checkpoint (`--load`): its parameters, its optimizer
    /// state when saved beside it (with the schedule in progress, which goes
    /// on where it was), and its epoch count. Call before ``start()``, whose
    /// start record is then the checkpoint's state.
    ///
    /// ``config`` then says what runs, as a recording must to be re-run: the
    /// saved optimizer with the schedule's base rate as its `lr`, the saved
    /// schedule (or none), and the state itself as ``LabConfig/resume``.
    public func restore(_ checkpoint: LoadedCheckpoint) throws(GradlabError) {
        try Self.restore(lab, from: checkpoint, config: &config)
        config.resume = ResumeState(checkpoint)
        rerun = RerunLog(base: config, checkpoint: checkpoint)
    }

    /// Restores `checkpoint` into `lab` and makes `config` say what then runs.
    static func restore(_ lab: any Lab, from checkpoint: LoadedCheckpoint, config: inout LabConfig) throws(GradlabError) {
        guard checkpoint.lab == config.lab else {
            throw GradlabError("--load: the checkpoint is for the \(checkpoint.lab.rawValue) lab, not \(config.lab.rawValue)")
        }
        if let trained = checkpoint.function, trained.expression != config.function {
            let named = trained.name ?? "'\(trained.expression)'"
            throw GradlabError("--load \(checkpoint.path ?? "checkpoint"): trained on f = \(trained.name ?? trained.expression), but this run's f is "
                               + "\(config.functionName ?? config.function); run with --f \(named) to resume it")
        }
        try lab.restore(checkpoint)
        if let state = checkpoint.optimizer {
            config.optimizer = state.baseConfig
            config.schedule = state.scheduler?.schedule
        }
    }
}
