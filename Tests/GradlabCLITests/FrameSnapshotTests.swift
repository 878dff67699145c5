import Foundation
import Testing
import GradlabCore
import GradlabUI
@testable import gradlab

/// Whole frames as the app composes them from a real Session (FrameBuilder),
/// compared with golden text in `Snapshots/`. Record new goldens with
/// `GRADLAB_RECORD_SNAPSHOTS=1 swift test --filter FrameSnapshotTests`.
@Suite("Frames composed from real sessions")
struct FrameSnapshotTests {
    private func runView(_ config: LabConfig, epochs: Int) async throws -> (RunView, LabDataset) {
        try await sessionRunView(config, epochs: epochs)
    }

    private func check(_ name: String, _ config: LabConfig, epochs: Int, width: Int, height: Int,
                       adjust: (inout ViewState) -> Void = { _ in }) async throws {
        let (run, dataset) = try await runView(config, epochs: epochs)
        var builder = FrameBuilder(config: config, dataset: dataset)
        var view = ViewState(main: config.lab == .quadratic ? .data : .plane)
        adjust(&view)
        let model = builder.model(run: run, view: view, width: width, height: height)
        let caps = Capabilities(colorMode: .monochrome, glyphs: .braille)
        let screen = Dashboard.render(model, width: width, height: height, theme: .dark, caps: caps)
        let text = screen.lines.joined(separator: "\n") + "\n"
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name).txt")
        if ProcessInfo.processInfo.environment["GRADLAB_RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let golden = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing golden \(file.path); record it with GRADLAB_RECORD_SNAPSHOTS=1")
            return
        }
        #expect(text == golden, "frame \(name) differs from its golden; diff against \(file.path)")
    }

    private func landscape() -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 12
        config.optimizer.lr = 0.1
        return config
    }

    @Test func landscapeAt120x40() async throws {
        try await check("landscape-120x40", landscape(), epochs: 25, width: 120, height: 40)
    }

    @Test func landscapeAt80x24() async throws {
        try await check("landscape-80x24", landscape(), epochs: 25, width: 80, height: 24)
    }

    @Test func linearLossPlaneAndDataView() async throws {
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        try await check("linear-plane-120x40", config, epochs: 50, width: 120, height: 40)
        try await check("linear-data-120x40", config, epochs: 50, width: 120, height: 40) { $0.main = .data }
    }

    @Test func quadraticDataViewWithLogLoss() async throws {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        try await check("quadratic-data-100x30", config, epochs: 20, width: 100, height: 30) { $0.logScale = true }
    }
}
