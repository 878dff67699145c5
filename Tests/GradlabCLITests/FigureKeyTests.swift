import Foundation
import Testing
import GradlabTestSupport

/// `e` and `E` in the real terminal (tmux): the figures of the view and the
/// screen capture land under gradlab-figures/ and the status line says where.
@Suite("Figure keys in the TUI", .enabled(if: TmuxSession.isAvailable), .serialized)
struct FigureKeyTests {
    @Test("e writes the view's figures, E the screen, live and in a replay")
    func figureKeys() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tmux = try TmuxSession(width: 120, height: 40)
        try tmux.enter("cd \(directory.path) && \(Gradlab.binary) --lab linear --record run.json; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("PAUSED")
        try tmux.type(".")
        try tmux.type(".")
        try tmux.waitFor("epoch 2")
        try tmux.type("e")
        try tmux.waitFor("e: figures in gradlab-figures/linear-epoch2/")
        try tmux.type("E")
        try tmux.waitFor("E: screen written to gradlab-figures/screen-linear")
        try tmux.type("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
        let figures = directory.appendingPathComponent("gradlab-figures")
        let written = try FileManager.default.contentsOfDirectory(atPath: figures.appendingPathComponent("linear-epoch2").path).sorted()
        #expect(written == ["data.svg", "loss.svg", "plane.svg"])
        let capture = try String(contentsOf: figures.appendingPathComponent("screen-linear-epoch2.svg"), encoding: .utf8)
        // The status line is in the capture, as text.
        #expect(capture.contains("PAUSED") && capture.contains("epoch 2"))
        #expect(capture.contains("<svg") && capture.hasSuffix("</svg>\n"))

        try tmux.enter("\(Gradlab.binary) --replay run.json; echo GRADLAB_EXIT=$?")
        try tmux.waitFor("REPLAY")
        try tmux.type("e")
        try tmux.waitFor("e: figures in gradlab-figures/linear-epoch0/")
        try tmux.type("q")
        try tmux.waitFor("GRADLAB_EXIT=0")
    }
}
