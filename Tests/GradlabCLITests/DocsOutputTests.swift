import Foundation
import Testing
import GradlabTestSupport

/// The example outputs in docs/labs.md and docs/curvature.md are what the commands print
/// (issue 12): each block after `<!-- output: ARGS -->` is `$ gradlab ARGS`
/// and its real standard output and error. Rewrite them with
/// `GRADLAB_RECORD_SNAPSHOTS=1 swift test --filter DocsOutputTests`.
@Suite("Docs show real outputs")
struct DocsOutputTests {
    private static let marker = "<!-- output: "

    private static func document(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/\(name)")
    }

    /// The document with every output block replaced by the command's real output.
    private static func regenerated(_ text: String) throws -> (text: String, commands: Int) {
        var lines = text.components(separatedBy: "\n")
        var index = 0, commands = 0
        while index < lines.count {
            guard lines[index].hasPrefix(marker), lines[index].hasSuffix(" -->") else { index += 1; continue }
            let arguments = String(lines[index].dropFirst(marker.count).dropLast(4))
            guard index + 1 < lines.count, lines[index + 1] == "```",
                  let close = lines[(index + 2)...].firstIndex(of: "```") else {
                Issue.record("line \(index + 1): an output marker must be followed by a ``` block")
                return (text, commands)
            }
            let result = try Gradlab.run(arguments.split(separator: " ").map(String.init))
            #expect(result.status == 0, "gradlab \(arguments) exited \(result.status): \(result.stderr)")
            var output = (result.stdout + result.stderr).components(separatedBy: "\n")
            while output.last == "" { output.removeLast() }
            lines.replaceSubrange((index + 2)..<close, with: ["$ gradlab \(arguments)"] + output)
            index += 2 + 1 + output.count
            commands += 1
        }
        return (lines.joined(separator: "\n"), commands)
    }

    @Test(arguments: [("labs.md", 4), ("curvature.md", 3)])
    func examplesAreTheRealOutputs(name: String, atLeast: Int) throws {
        let url = Self.document(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let (expected, commands) = try Self.regenerated(text)
        #expect(commands >= atLeast)
        if ProcessInfo.processInfo.environment["GRADLAB_RECORD_SNAPSHOTS"] == "1" {
            try expected.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(text == expected, "docs/\(name)'s example outputs differ from the real ones; regenerate them (see the suite's doc)")
    }

    /// docs/figures' SVGs are what `docs/figures/make.sh` makes now (three
    /// had kept the loss chart's old epoch 0); screen.svg is a hand capture.
    @Test func theDocsFiguresAreTheOnesGradlabWrites() throws {
        let root = Self.document("").deletingLastPathComponent()
        let out = try Fixtures.temporaryDirectory()
        let quoted = { (path: String) in "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let made = try Subprocess.run(["bash", "-c", "cd \(quoted(root.path)) && OUT=\(quoted(out.path)) GRADLAB=\(quoted(Gradlab.binary)) bash docs/figures/make.sh"])
        #expect(made.status == 0, "\(made.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(names.count == 11, "\(names)")
        for name in names {
            let fresh = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            let shown = try? String(contentsOf: root.appendingPathComponent("docs/figures/\(name)"), encoding: .utf8)
            #expect(shown == fresh, "docs/figures/\(name) is not what make.sh writes now; run it")
        }
    }

    /// The frame README.md and docs/keys.md open with is the 80×24 golden
    /// frame (`FrameSnapshotTests`), the app's own drawing: a hand-edited
    /// copy had drifted from it (ticks, the loss chart's first epoch).
    @Test(arguments: ["README.md", "docs/keys.md"])
    func theSampleFrameIsTheGoldenOne(path: String) throws {
        let root = Self.document("").deletingLastPathComponent()
        let golden = try String(contentsOf: root.appendingPathComponent("Tests/GradlabCLITests/Snapshots/landscape-80x24.txt"),
                                encoding: .utf8)
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let frame = "```\n" + golden.trimmingCharacters(in: .newlines) + "\n```"
        #expect(text.contains(frame), "\(path): its sample frame is not Tests/GradlabCLITests/Snapshots/landscape-80x24.txt")
    }
}
