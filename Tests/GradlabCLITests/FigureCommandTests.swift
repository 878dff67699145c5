import Foundation
import Testing
import GradlabCore
import GradlabTestSupport
import GradlabUI
@testable import gradlab

/// `export --svg`, `run --headless --plot`, `export --cast`, through the
/// built binary and real files.
@Suite("Figure and cast commands")
struct FigureCommandTests {
    /// A recording of a short run of `lab`.
    static func record(_ lab: String, epochs: Int, in directory: URL, extra: [String] = []) throws -> String {
        let path = directory.appendingPathComponent("\(lab).json").path
        let result = try Gradlab.run(["run", "--lab", lab, "--headless", "--quiet", "--epochs", "\(epochs)", "--record", path] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    @Test("export --svg writes the recording's figures; --epoch picks another epoch")
    func exportSVG() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.record("linear", epochs: 4, in: directory)
        let figures = directory.appendingPathComponent("figs")
        let result = try Gradlab.run(["export", run, "--svg", figures.path])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: figures.path).sorted()
        #expect(names == ["data-start.svg", "data.svg", "loss.svg", "plane.svg"])
        let last = try String(contentsOf: figures.appendingPathComponent("data.svg"), encoding: .utf8)
        #expect(last.contains("epoch 4</text>"))
        #expect(result.stdout.isEmpty, "no CSV unless asked")

        let second = try Gradlab.run(["export", run, "--svg", figures.path, "--epoch", "2"])
        #expect(second.status == 0, "\(second.stderr)")
        let atTwo = try String(contentsOf: figures.appendingPathComponent("data.svg"), encoding: .utf8)
        #expect(atTwo.contains("epoch 2</text>"))
        #expect(atTwo != last)
    }

    @Test("export --svg --log --basins: a log loss axis and the landscape by basin, as the TUI's l and b")
    func logAndBasins() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.record("landscape", epochs: 10, in: directory,
                                  extra: ["--f", "himmelblau", "--points", "12", "--lr", "0.01"])
        let figures = directory.appendingPathComponent("figs")
        let result = try Gradlab.run(["export", run, "--svg", figures.path, "--log", "--basins"])
        #expect(result.status == 0, "\(result.stderr)")
        let plane = try String(contentsOf: figures.appendingPathComponent("plane.svg"), encoding: .utf8)
        #expect(plane.contains(">min 1: "), "the basin legend")
        let loss = try String(contentsOf: figures.appendingPathComponent("loss.svg"), encoding: .utf8)
        #expect(loss.contains(">loss (log)</text>"))
    }

    @Test("bad figure and cast options get one clear line and a non-zero exit")
    func badOptions() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.record("quadratic", epochs: 2, in: directory)
        let cases: [([String], String)] = [
            (["export", run, "--svg", directory.path, "--epoch", "99"], "--epoch 99: the recording holds epochs 0 to 2"),
            (["export", run, "--epoch", "1"], "--epoch needs --svg"),
            (["export", run, "--cast", directory.appendingPathComponent("x.cast").path, "--size", "wide"], "--size: expected COLUMNSxROWS"),
            (["export", run, "--cast", directory.appendingPathComponent("x.cast").path, "--speed", "0"], "--speed must be"),
            (["export", run, "--svg", run], "--svg \(run): \(run) is not a folder"),
            (["run", "--lab", "linear", "--plot", directory.path], "--plot needs --headless"),
            (["export", run, "--log"], "--log needs --svg"),
            (["export", run, "--svg", directory.path, "--basins"], "--basins: basins belong to the landscape lab"),
        ]
        for (arguments, message) in cases {
            let result = try Gradlab.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count <= 2, "\(arguments): \(result.stderr)")
        }
    }

    @Test("a recording that restarts holds an epoch twice: --epoch draws the last run's and says so")
    func anEpochHeldTwiceIsSaid() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let recorded = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--epochs", "4", "--device", "cpu", "--record", path])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        // The same run again after a reset: header, events, reset, the epochs again, end.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let epochs = lines.filter { $0.hasPrefix("{\"type\":\"epoch\"") }
        let end = try #require(lines.firstIndex { $0.hasPrefix("{\"type\":\"end\"") })
        let restarted = Array(lines[..<end]) + ["{\"type\":\"reset\",\"epoch\":0,\"seed\":0},"] + epochs + Array(lines[end...])
        let twice = directory.appendingPathComponent("twice.json").path
        try restarted.joined(separator: "\n").appending("\n").write(toFile: twice, atomically: true, encoding: .utf8)
        let result = try Gradlab.run(["export", twice, "--svg", directory.appendingPathComponent("figs").path, "--epoch", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("epoch 3 is in 2 runs of the recording (it restarts); drawing the last one's"), "\(result.stderr)")
        let once = try Gradlab.run(["export", path, "--svg", directory.appendingPathComponent("figs1").path, "--epoch", "3"])
        #expect(once.status == 0 && !once.stderr.contains("runs of the recording"), "\(once.stderr)")
    }

    @Test("a --plot folder that cannot be made is refused before the run, in plain words")
    func plotFolderCheckedBeforeTheRun() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Fixtures.write("not a folder\n", named: "afile", in: directory)
        let record = directory.appendingPathComponent("r.json").path
        let cases: [(String, String)] = [
            (file + "/sub", "--plot \(file)/sub: \(file) is not a folder"),
            (file, "--plot \(file): \(file) is not a folder"),
            ("", "--plot needs a folder path"),
            ("/proc/gradlab-plot", "--plot /proc/gradlab-plot: no such folder /proc/gradlab-plot, and it cannot be created there"),
        ]
        for (plot, message) in cases {
            let result = try Gradlab.run(["run", "--headless", "--quiet", "--epochs", "2", "--record", record, "--plot", plot])
            #expect(result.status == 1 && result.stderr == "gradlab: error: \(message)\n", "\(plot): \(result.stderr)")
            #expect(result.stdout.isEmpty, "no run: \(result.stdout)")
            #expect(!FileManager.default.fileExists(atPath: record), "nothing recorded")
        }
    }

    @Test("a --plot run that fails removes the folders it made, empty, and nothing else")
    func failedPlotRunLeavesNoEmptyFolder() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = FileManager.default
        let kept = directory.appendingPathComponent("kept")
        try files.createDirectory(at: kept, withIntermediateDirectories: false)
        _ = try Fixtures.write("mine\n", named: "notes.txt", in: kept)
        let empty = directory.appendingPathComponent("empty")
        try files.createDirectory(at: empty, withIntermediateDirectories: false)
        let save = directory.appendingPathComponent("c.safetensors").path
        // Each fails after the folder is made: a flag refused by the run, a recording that cannot be written.
        let failures: [(flags: [String], message: String)] = [
            (["--compare", "sgd,adam", "--save", save], "--save cannot be combined with --compare"),
            (["--record", "/proc/gradlab-no/r.json"], "--record /proc/gradlab-no/r.json"),
        ]
        for (flags, message) in failures {
            for plot in ["fresh", "fresh/a/b", "kept/new/deeper", "empty"] {
                let path = directory.appendingPathComponent(plot).path
                let result = try Gradlab.run(["run", "--headless", "--quiet", "--epochs", "2", "--plot", path] + flags)
                #expect(result.status == 1 && result.stderr.contains(message), "\(plot): \(result.stderr)")
                #expect(!files.fileExists(atPath: directory.appendingPathComponent("fresh").path), "\(plot) \(flags)")
                #expect(try files.contentsOfDirectory(atPath: kept.path) == ["notes.txt"], "\(plot) \(flags)")
                #expect(try files.contentsOfDirectory(atPath: empty.path).isEmpty, "a folder that was there stays")
            }
        }
        #expect(!files.fileExists(atPath: save))
    }

    @Test("figures that cannot be written leave no empty folder of gradlab's (export --svg, e)")
    func failedFigureWriteRemovesItsFolder() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A figure whose file cannot be made: its name goes through a folder that is not there.
        let figures = [FigureSet.Figure(name: "missing/plane.svg", svg: "<svg/>")]
        let fresh = directory.appendingPathComponent("a/b").path
        #expect(throws: GradlabError.self) { try FigureSet.write(figures, to: fresh, what: "--svg") }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("a").path))
        // A folder that was there is kept, empty or not.
        #expect(throws: GradlabError.self) { try FigureSet.write(figures, to: directory.path, what: "--svg") }
        #expect(FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("export --svg into a folder that cannot be made says why in plain words")
    func svgFolderInPlainWords() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.record("quadratic", epochs: 2, in: directory)
        let file = try Fixtures.write("not a folder\n", named: "afile", in: directory)
        for (svg, message) in [(file + "/sub/deeper", "--svg \(file)/sub/deeper: \(file) is not a folder"),
                               ("", "--svg needs a folder path")] {
            let result = try Gradlab.run(["export", run, "--svg", svg])
            #expect(result.status == 1 && result.stderr == "gradlab: error: \(message)\n", "\(svg): \(result.stderr)")
        }
        // Folders above it that are missing are made.
        let nested = directory.appendingPathComponent("a/b/c").path
        #expect(try Gradlab.run(["export", run, "--svg", nested]).status == 0)
        #expect(FileManager.default.fileExists(atPath: nested + "/loss.svg"))
    }

    @Test("a relative --plot path names the relative file in the way")
    func relativePlotPath() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Fixtures.write("x", named: "afile", in: directory)
        // In the folder, as a user types it (the test process's own directory is shared).
        let script = "cd \"$1\" && exec \"$2\" run --headless --quiet --epochs 2 --record r.json --plot afile/sub"
        let result = try Subprocess.run(["sh", "-c", script, "sh", directory.path, Gradlab.binary])
        #expect(result.status == 1 && result.stderr == "gradlab: error: --plot afile/sub: afile is not a folder\n", "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/r.json"))
    }

    @Test("--size is at least the dashboard's minimum, at most 1000x500", arguments: [
        ("59x17", "--size 59x17: the replay's dashboard needs at least 60x18"),
        ("60x17", "--size 60x17: the replay's dashboard needs at least 60x18"),
        ("59x18", "--size 59x18: the replay's dashboard needs at least 60x18"),
        ("1001x40", "--size 1001x40: a cast is at most 1000x500"),
        ("120x", "--size: expected COLUMNSxROWS like 120x40, got '120x'"),
    ])
    func castSizeBounds(size: String, message: String) throws {
        #expect(throws: GradlabError(message)) { try ExportCommand.parseSize(size) }
        let smallest = try ExportCommand.parseSize("\(Dashboard.minimumWidth)x\(Dashboard.minimumHeight)")
        #expect(smallest == (Dashboard.minimumWidth, Dashboard.minimumHeight))
    }

    @Test("--speed is 0.01 to 1000 epochs a second", arguments: [1e-300, 0.009, 1000.5, 1e300, 0, -1, .nan, .infinity])
    func castSpeedBounds(speed: Double) throws {
        #expect(throws: GradlabError("--speed must be from 0.01 to 1000 epochs per second, got \(formatNumber(speed))")) {
            try ExportCommand.checkSpeed(speed)
        }
        try ExportCommand.checkSpeed(0.01)
        try ExportCommand.checkSpeed(1000)
    }

    @Test("a cast's bad --size or --speed is refused before anything is written")
    func castOptionsRefusedWithoutAFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.record("quadratic", epochs: 2, in: directory)
        let cast = directory.appendingPathComponent("c.cast").path
        for (options, message) in [(["--size", "59x17"], "gradlab: error: --size 59x17: the replay's dashboard needs at least 60x18\n"),
                                   (["--speed", "1e-300"], "gradlab: error: --speed must be from 0.01 to 1000 epochs per second, got 1e-300\n")] {
            let result = try Gradlab.run(["export", run, "--cast", cast] + options)
            #expect(result.status == 1 && result.stderr == message, "\(options): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cast))
        }
    }

    @Test("the tutorial's three examples headless with --plot write their figures", arguments: ["landscape", "quadratic", "linear"])
    func headlessPlot(lab: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let figures = directory.appendingPathComponent("figs")
        let result = try Gradlab.run(["run", "--lab", lab, "--headless", "--quiet", "--plot", figures.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("recorded:"), "the recording behind --plot is gradlab's own")
        let names = try FileManager.default.contentsOfDirectory(atPath: figures.path).sorted()
        #expect(names == (lab == "landscape" ? ["loss.svg", "plane.svg"] : ["data-start.svg", "data.svg", "loss.svg", "plane.svg"]))
        let epochs = ["landscape": 30, "quadratic": 20, "linear": 50][lab] ?? 0
        let loss = try String(contentsOf: figures.appendingPathComponent("loss.svg"), encoding: .utf8)
        #expect(loss.contains("epoch \(epochs)</text>"), "the run's last epoch")
        #expect(result.stderr.contains("figures in \(figures.path)"))
    }

    @Test("a cast is JSON lines, its time never runs back, and pyte replays it to the replay's frames")
    func cast() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.record("quadratic", epochs: 6, in: directory)
        let castPath = directory.appendingPathComponent("run.cast").path
        let result = try Gradlab.run(["export", run, "--cast", castPath, "--size", "90x28", "--speed", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: castPath, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 90 && header["height"] as? Int == 28)
        var last = -1.0
        for line in lines.dropFirst() {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], "\(line.prefix(80))")
            let time = try #require((event.first as? NSNumber)?.doubleValue)
            #expect(time >= last, "time ran back at \(time)")
            #expect(event.count == 3 && event[1] as? String == "o")
            last = time
        }
        #expect(lines.count == 1 + 7, "one frame per epoch event, 0 to 6")
        #expect(abs(last - 6.0 / 4) < 1e-9, "6 epochs at 4 a second")

        // The frame the replay draws at each epoch, as text.
        let file = try RunFile.load(path: run)
        let index = RunIndex(file)
        let export = CastExport(file: file, index: index, name: "quadratic.json", theme: .dark, width: 90, height: 28, epochsPerSecond: 4)
        let dataset = try await ReplayRun.dataset(of: file.config)
        var builder = FrameBuilder(config: file.config, dataset: dataset)
        guard (try? Subprocess.run(["python3", "-c", "import pyte"]))?.status == 0 else {
            print("skipped: Python pyte is not installed (pip install pyte; .ci/run installs it)")
            return
        }
        for frame in [1, 4, 7] {
            let expected = export.screen(at: frame - 1, dataset: dataset, builder: &builder).lines.joined(separator: "\n")
            let replayed = try Subprocess.run(["python3", "-c", Self.replay, castPath, "\(frame)"])
            #expect(replayed.status == 0, "\(replayed.stderr)")
            let got = replayed.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(got.count == want.count, "frame \(frame): \(got.count) rows replayed, \(want.count) drawn")
            if let row = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("frame \(frame) row \(row.offset) replayed through pyte:\n\(row.element.0)\ndrawn:\n\(row.element.1)")
            }
        }
    }

    /// Feeds a cast's first N events to a pyte terminal and prints its screen.
    static let replay = #"""
    import json, sys, pyte
    lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
    header = json.loads(lines[0])
    screen = pyte.Screen(header['width'], header['height'])
    stream = pyte.Stream(screen)
    for line in lines[1:1 + int(sys.argv[2])]:
        stream.feed(json.loads(line)[2])
    # Screen.lines drops trailing blanks: so does this.
    print('\n'.join(row.rstrip(' ') for row in screen.display))
    """#
}
