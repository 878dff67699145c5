import Foundation
import GradlabTestSupport
import GradlabUI
import Testing

/// The direct writer's bytes played through a real terminal emulator
/// (Python's pyte): the emulator's screen must be the frame, cell by cell,
/// text and colours, after a full repaint and after a diff.
@Suite struct FrameEncoderEmulatorTests {
    static let script = #"""
    import json, sys, pyte
    width, height = int(sys.argv[1]), int(sys.argv[2])
    screen = pyte.Screen(width, height)
    stream = pyte.ByteStream(screen)
    for path in sys.argv[3:]:
        stream.feed(open(path, "rb").read())
        rows = []
        for y in range(height):
            line = screen.buffer[y]
            rows.append([[line[x].data, line[x].fg, line[x].bg, line[x].bold, line[x].reverse]
                         for x in range(width)])
        print(json.dumps(rows))
    """#

    static var pyteInstalled: Bool {
        (try? Subprocess.run(["python3", "-c", "import pyte"]))?.status == 0
    }

    /// What pyte shows for a cell of a truecolor frame.
    static func expected(_ cell: Cell) -> [String] {
        func name(_ color: Color) -> String {
            switch color {
            case .default: return "default"
            case .rgb(let r, let g, let b): return String(format: "%02x%02x%02x", r, g, b)
            case .indexed(let i): return "indexed \(i)"
            }
        }
        return [String(Character(cell.scalar)), name(cell.style.fg), name(cell.style.bg),
                cell.style.bold ? "bold" : "", cell.style.reverse ? "reverse" : ""]
    }

    @Test(.enabled(if: pyteInstalled, "python3 with pyte is not installed (.ci/run installs it)"))
    @MainActor func aDashboardPlayedThroughAnEmulatorIsTheFrame() throws {
        let width = 120, height = 40
        let screens = [0.0, 0.35].map {
            Dashboard.render(FrameBenchmark.syntheticModel(width: width, height: height, trajectories: 60,
                                                           epochs: 200, phase: $0),
                             width: width, height: height, theme: .dark, caps: .full)
        }
        #expect(screens[0] != screens[1])
        let encoder = FrameEncoder(colorMode: .truecolor)
        var full: [UInt8] = [], diff: [UInt8] = [], repaint: [UInt8] = []
        encoder.encode(screens[0], over: nil, columns: width, rows: height, into: &full)
        encoder.encode(screens[1], over: screens[0], columns: width, rows: height, into: &diff)
        encoder.encode(screens[0], over: nil, columns: width, rows: height, into: &repaint)
        #expect(diff.count < full.count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-encoder-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = try [("full", full), ("diff", diff), ("repaint", repaint)].map { name, bytes in
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        let result = try Subprocess.run(["python3", "-c", Self.script, "\(width)", "\(height)"] + paths)
        try #require(result.status == 0, "pyte: \(result.stderr)")
        let shown = result.stdout.split(separator: "\n")
        try #require(shown.count == 3)
        for (index, frame) in [screens[0], screens[1], screens[0]].enumerated() {
            let rows = try JSONSerialization.jsonObject(with: Data(shown[index].utf8)) as? [[[Any]]] ?? []
            var mismatches: [String] = []
            for y in 0..<height {
                for x in 0..<width {
                    let got = rows[y][x]
                    let text = [got[0] as? String ?? "?", got[1] as? String ?? "?", got[2] as? String ?? "?",
                                (got[3] as? Bool ?? false) ? "bold" : "", (got[4] as? Bool ?? false) ? "reverse" : ""]
                    let want = Self.expected(frame[x, y])
                    if text != want, mismatches.count < 5 { mismatches.append("(\(x), \(y)): \(text) != \(want)") }
                }
            }
            #expect(mismatches.isEmpty, "frame \(index): \(mismatches.joined(separator: "; "))")
        }
    }
}
