import GradlabCore
@testable import gradlab

/// Runs `epochs` epochs of a real Session and returns the run view the TUI
/// would hold (its events applied, the inspection of `selected`, no
/// message), and the lab's data.
func sessionRunView(_ config: LabConfig, epochs: Int, selected: Int = 0) async throws -> (RunView, LabDataset) {
    let session = try Session(config: config)
    var view = RunView()
    view.lr = config.optimizer.lr
    view.optimizer = config.optimizer.summary
    view.optimizerConfig = config.optimizer
    await session.start()
    await session.step(epochs)
    await session.finish(status: "completed")
    for await event in session.events {
        view.apply(event, groups: config.groups.count, pathOf: FrameBuilder.pathPoint)
    }
    view.inspection = await session.inspect(selectedPoint: selected)
    view.message = ""
    return (view, await session.dataset)
}
