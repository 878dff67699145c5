import GradlabCore

extension Checkpoint {
    /// Whether a checkpoint can be continued from (`--load`) as asked: when
    /// its optimizer file resumes an optimizer, optimizer flags on the
    /// command line are refused: they would not apply, and the recording
    /// must say what ran (issue 13, defect 5).
    /// - Parameter requested: the optimizer the flags describe, when flags were given.
    static func checkResumable(_ checkpoint: LoadedCheckpoint, path: String, requested: OptimizerConfig?) throws(GradlabError) {
        if let requested, let state = checkpoint.optimizer, requested != state.config {
            throw GradlabError("--load \(path): its optimizer file resumes \(state.config.summary) at step \(state.stepCount), "
                + "not the \(requested.summary) the flags ask for: drop the flags to resume, or move \(optimizerPath(for: path)) away to start afresh")
        }
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
