import Testing
@testable import GradlabPlot

/// The terminal-free plot models: contour bands, envelopes, scales, SVG text.
@Suite("Plot models")
struct PlotModelTests {
    /// f = x + y on a 9 × 7 node grid over [0, 4] × [0, 3].
    static func plane() -> ScalarField {
        let columns = 9, rows = 7
        var values: [Double] = []
        for r in 0..<rows { for c in 0..<columns { values.append(Double(c) * 0.5 + (3 - Double(r) * 0.5)) } }
        return ScalarField(columns: columns, rows: rows, values: values)
    }

    static func area(_ polygon: [SIMD2<Double>]) -> Double {
        var sum = 0.0
        for i in polygon.indices {
            let a = polygon[i], b = polygon[(i + 1) % polygon.count]
            sum += a.x * b.y - b.x * a.y
        }
        return abs(sum) / 2
    }

    @Test("contour bands tile the plane: no gap, no overlap, each band's values inside it", arguments: FieldShading.allCases)
    func bandsTile(shading: FieldShading) throws {
        let field = Self.plane()
        let bands = try #require(FieldBands(field: field, shading: shading, levels: 5))
        let polygons = Isobands.polygons(field: field, bands: bands, xRange: 0...4, yRange: 0...3)
        let total = polygons.joined().reduce(0) { $0 + Self.area($1) }
        #expect(abs(total - 12) < 1e-9, "the bands cover 4 × 3 exactly, got \(total)")
        let boundaries = bands.boundaries
        #expect(boundaries.count == 4 && boundaries == boundaries.sorted())
        for (level, band) in polygons.enumerated() {
            let low = level == 0 ? -Double.infinity : boundaries[level - 1]
            let high = level == boundaries.count ? Double.infinity : boundaries[level]
            for polygon in band {
                for p in polygon {
                    let f = p.x + p.y
                    #expect(f >= low - 1e-9 && f <= high + 1e-9, "band \(level) holds f = \(f) outside \(low)…\(high)")
                }
            }
        }
    }

    @Test("cells with a non-finite corner are left out")
    func nonFinite() throws {
        var values = Self.plane().values
        values[0] = .nan
        let field = ScalarField(columns: 9, rows: 7, values: values)
        let bands = try #require(FieldBands(field: field, shading: .linear, levels: 4))
        let total = Isobands.polygons(field: field, bands: bands, xRange: 0...4, yRange: 0...3).joined().reduce(0) { $0 + Self.area($1) }
        #expect(abs(total - (12 - 0.25)) < 1e-9)
    }

    @Test("an envelope keeps a one-sample spike and covers every column")
    func envelope() {
        var values = [Double](repeating: 1, count: 5_000)
        values[2_345] = 9
        values[10] = .nan
        let envelope = SeriesEnvelope(values, columns: 80, span: values.count)
        #expect(envelope.buckets.map(\.column) == Array(0..<80))
        #expect(envelope.buckets.map(\.high).max() == 9)
        #expect(envelope.buckets.allSatisfy { $0.low == 1 })
        #expect(SeriesEnvelope([.nan, .nan], columns: 10, span: 2).buckets.isEmpty)
    }

    @Test("a long loss series is drawn as its envelope, and a one-epoch spike reaches its height")
    func lossEnvelope() {
        let style = FigureStyle(background: "#ffffff", foreground: "#000000", muted: "#777777", grid: "#dddddd", ramp: ["#eeeeee"])
        var values = [Double](repeating: 1, count: 5_000)
        values[2_345] = 100
        let figure = LossFigure(title: "Loss: test", series: [.init(name: "train", values: values, color: .rgb(0, 0, 255))])
        let svg = figure.svg(style: style)
        #expect(!svg.contains("<polyline"), "5,000 epochs on ~360 pt: an envelope, not a polyline")
        let envelope = svg.split(separator: "\n").first { $0.hasPrefix("<path") && $0.contains("fill=\"#0000ff\"") }
        let axes = FigureAxes(style: style, xRange: -249.95...5248.95, yRange: figure.yRange)
        let top = SVGDocument.number(axes.y.map(100))
        #expect(envelope?.contains(" \(top)L") == true, "the spike's top (y = \(top)) is on the envelope")
        #expect(svg.contains(">train 1</text>"), "the legend's latest value")
    }

    @Test("a scale maps its domain onto its range, flipped for a page's y, with the axes' ticks")
    func scale() {
        let x = LinearScale(domain: -2...2, range: 0...400)
        #expect(x.map(-2) == 0 && x.map(0) == 200 && x.map(2) == 400)
        let y = LinearScale(domain: 0...10, range: 50...150, flipped: true)
        #expect(y.map(0) == 150 && y.map(10) == 50)
        #expect(x.ticks(maxCount: 4).map(\.label) == ["-2", "-1", "0", "1", "2"])
        #expect(LinearScale(domain: 0...3, range: 0...1).ticks(maxCount: 8, integers: true).map(\.value) == [0, 1, 2, 3])
        #expect(LinearScale(domain: -3...1, range: 0...1, logarithmic: true).ticks(maxCount: 5).map(\.label)
            == ["0.001", "0.01", "0.1", "1", "10"])
    }

    @Test("SVG numbers and text are written one way")
    func svgText() {
        #expect(SVGDocument.number(1.005) == "1" || SVGDocument.number(1.005) == "1.01")
        #expect(SVGDocument.number(-0.001) == "0")
        #expect(SVGDocument.number(12.5) == "12.5" && SVGDocument.number(3.14159) == "3.14" && SVGDocument.number(-7.04) == "-7.04")
        #expect(SVGDocument.number(1e30) == "1000000" && SVGDocument.number(.nan) == "0")
        #expect(SVGDocument.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot;\u{FFFD}")
        #expect(SVGDocument.hex(.rgb(255, 16, 0), fallback: (0, 0, 0)) == "#ff1000")
        #expect(SVGDocument.hex(.indexed(196), fallback: (0, 0, 0)) == "#ff0000")
        #expect(SVGDocument.hex(.default, fallback: (1, 2, 3)) == "#010203")
    }

    @Test("a polyline breaks at non-finite points and stays inside the plot's clip")
    func painter() {
        let style = FigureStyle(background: "#ffffff", foreground: "#000000", muted: "#777777", grid: "#dddddd", ramp: ["#eeeeee"])
        let axes = FigureAxes(style: style, xRange: 0...1, yRange: 0...1)
        var painter = SVGPainter(svg: SVGDocument(width: 100, height: 100), axes: axes, ink: { style.ink($0) })
        PathShape([SIMD2(0, 0), SIMD2(1, 1), SIMD2(.nan, 0), SIMD2(0, 1), SIMD2(1, 0)], color: .rgb(255, 0, 0)).draw(on: &painter)
        let lines = painter.svg.body.split(separator: "\n").filter { $0.hasPrefix("<polyline") }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("stroke=\"#ff0000\"") && $0.contains("clip-path=\"url(#plot)\"") })
    }
}
