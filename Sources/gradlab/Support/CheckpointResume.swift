import GradlabCore

extension Checkpoint {
    /// Loads a checkpoint to continue from (`--load`). When its optimizer
    /// file resumes an optimizer, optimizer flags on the command line are
    /// refused: they would not apply, and the recording must say what ran
    /// (issue 13, defect 5).
    /// - Parameter requested: the optimizer the flags describe, when flags were given.
    static func loadForResuming(path: String, requested: OptimizerConfig?) throws(GradlabError) -> LoadedCheckpoint {
        let checkpoint = try load(path: path)
        if let requested, let state = checkpoint.optimizer, requested != state.config {
            throw GradlabError("--load \(path): its optimizer file resumes \(state.config.summary) at step \(state.stepCount), "
                + "not the \(requested.summary) the flags ask for: drop the flags to resume, or move \(optimizerPath(for: path)) away to start afresh")
        }
        return checkpoint
    }
}
