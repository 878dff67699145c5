import GradlabCore
import GradlabUI

/// `gradlab` without `--headless`: builds the session (and recorder), then
/// hands the terminal to ``LabApp``.
struct TerminalRun {
    let config: LabConfig
    let recordPath: String?
    let themeName: String
    var savePath: String? = nil
    /// The checkpoint to continue from (`--load`, checked by RunCommand).
    var checkpoint: LoadedCheckpoint? = nil
    /// Whether the terminal reports the mouse (`--no-mouse`: no).
    var mouse = true

    /// The landscape's TUI defaults (headless keeps the tutorial's 5 and 1e-3).
    static let defaultPoints = 60
    static let defaultLandscapeLR = 0.1

    func run() async throws(GradlabError) -> Int32 {
        let theme: Theme
        do {
            theme = try Theme.load(nameOrPath: themeName)
        } catch {
            throw GradlabError("--theme: \(error.description)")
        }
        let session = try Session(config: config)
        if let checkpoint { try await session.restore(checkpoint) }
        let app = await LabApp(session: session, config: await session.config, dataset: await session.dataset,
                               theme: theme, recordPath: recordPath, savePath: savePath, mouse: mouse)
        return try await app.run()
    }
}
