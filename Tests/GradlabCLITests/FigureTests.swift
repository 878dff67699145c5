import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import GradlabCore
import GradlabTestSupport
import GradlabUI
@testable import gradlab

/// Figures (SVG) of a small run of each lab: golden files, well-formed XML,
/// the same bytes every time, and a real renderer's PNG that is not blank.
/// Record new goldens with `GRADLAB_RECORD_SNAPSHOTS=1 swift test --filter FigureTests`.
@Suite("Figures as SVG")
struct FigureTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/figures")

    static func config(_ lab: LabKind) -> LabConfig {
        var config = LabConfig(lab: lab)
        config.device = "cpu"
        if lab == .landscape { config.points = 5 }
        return config
    }

    /// The figures of `epochs` epochs, on a small contour grid so the goldens stay small.
    static func figures(_ lab: LabKind, epochs: Int) async throws -> [FigureSet.Figure] {
        let config = config(lab)
        let (run, dataset) = try await sessionRunView(config, epochs: epochs)
        let (start, _) = try await sessionRunView(config, epochs: 0)
        let theme = try Theme.load(nameOrPath: "light")
        var set = FigureSet(config: config, dataset: dataset, theme: theme)
        set.grid = (columns: 16, rows: 12)
        return set.figures(run: run, start: lab == .landscape ? nil : start)
    }

    @Test("each lab's figures match their goldens, byte for byte", arguments: [LabKind.landscape, .quadratic, .linear])
    func goldens(lab: LabKind) async throws {
        let figures = try await Self.figures(lab, epochs: 3)
        let names = figures.map(\.name)
        #expect(names == (lab == .landscape ? ["loss.svg", "plane.svg"] : ["data-start.svg", "data.svg", "loss.svg", "plane.svg"]))
        let again = try await Self.figures(lab, epochs: 3)
        #expect(again == figures, "the same run must give the same bytes")
        for figure in figures {
            let file = Self.snapshots.appendingPathComponent("\(lab.rawValue)-\(figure.name)")
            if ProcessInfo.processInfo.environment["GRADLAB_RECORD_SNAPSHOTS"] == "1" {
                try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true)
                try figure.svg.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let golden = try? String(contentsOf: file, encoding: .utf8)
            #expect(golden == figure.svg, "\(figure.name) of \(lab.rawValue) differs from \(file.path)")
        }
    }

    @Test("titles name the lab, function, optimizer and epoch, as real text")
    func titles() async throws {
        let figures = try await Self.figures(.landscape, epochs: 3)
        for figure in figures {
            #expect(figure.svg.contains(">landscape, f = tutorial, sgd lr=0.001, epoch 3</text>"), "\(figure.name)")
            #expect(figure.svg.contains("width=\"460.8pt\" height=\"345.6pt\""), "matplotlib's 6.4 × 4.8 in")
        }
        let plane = try #require(figures.first { $0.name == "plane.svg" })
        #expect(plane.svg.contains(">minima</text>"))
        #expect(plane.svg.contains(">x1</text>") && plane.svg.contains(">x2</text>"))
        let data = try #require(try await Self.figures(.linear, epochs: 3).first { $0.name == "data.svg" })
        for label in ["train", "test", "predicted", "model"] { #expect(data.svg.contains(">\(label)</text>"), "\(label)") }
    }

    @Test("every figure is well-formed XML")
    func wellFormed() async throws {
        for lab in [LabKind.landscape, .quadratic, .linear] {
            for figure in try await Self.figures(lab, epochs: 2) {
                let parser = XMLParser(data: Data(figure.svg.utf8))
                let ok = parser.parse()
                #expect(ok, "\(lab.rawValue) \(figure.name): \(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
            }
        }
    }

    @Test("rsvg-convert renders every figure to a PNG that is not blank")
    func rendersToPNG() async throws {
        guard let rsvg = Self.which("rsvg-convert") else {
            print("skipped: rsvg-convert is not installed (Debian librsvg2-bin; .ci/run installs it)")
            return
        }
        guard Self.which("python3") != nil else {
            print("skipped: python3 (to read the PNGs) is not installed")
            return
        }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for lab in [LabKind.landscape, .quadratic, .linear] {
            for figure in try await Self.figures(lab, epochs: 2) {
                let svg = try Fixtures.write(figure.svg, named: "\(lab.rawValue)-\(figure.name)", in: directory)
                let png = svg.replacingOccurrences(of: ".svg", with: ".png")
                let rendered = try Subprocess.run([rsvg, "-o", png, svg])
                #expect(rendered.status == 0, "\(figure.name): \(rendered.stderr)")
                let colours = try Subprocess.run(["python3", "-c", Self.pngColours, png])
                let count = Int(colours.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                // Background, text, axes and data: far more than a blank page's one colour.
                #expect(count >= 8, "\(lab.rawValue) \(figure.name): \(count) colours in the PNG (\(colours.stderr))")
            }
        }
    }

    static func which(_ tool: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Prints how many distinct colours a PNG holds (8-bit RGB/RGBA, not interlaced: rsvg-convert's output).
    static let pngColours = #"""
    import sys, zlib, struct
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, width, height, ctype = 8, b'', 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8, 'depth %d' % depth
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    bpp = {2: 3, 6: 4}[ctype]
    raw, stride, prev, colours, i = zlib.decompress(idat), width * bpp, bytearray(width * bpp), set(), 0
    for y in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 7):
            colours.add(bytes(line[x:x + bpp]))
        prev = line
    print(len(colours))
    """#
}
