import Foundation

/// An SVG file being written: elements appended as text, numbers in one
/// fixed format, so the same figure always gives the same bytes.
///
/// Sizes are in points (1/72 inch), like matplotlib's: a 6.4 × 4.8 inch
/// figure is 460.8 × 345.6 pt. Text stays text (`<text>`), searchable and
/// selectable, never outlined into paths.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    /// The body, one element a line.
    public private(set) var body: String = ""
    private var definitions: String = ""
    /// The font every text element uses, as matplotlib's default.
    public static let fontFamily = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The whole file.
    public var text: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.number(width))pt\" "
        out += "height=\"\(Self.number(height))pt\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\">\n"
        if !definitions.isEmpty { out += "<defs>\n\(definitions)</defs>\n" }
        out += body
        out += "</svg>\n"
        return out
    }

    // MARK: - Elements

    /// Any element, written as given (attributes already formatted).
    public mutating func raw(_ element: String) {
        body += element + "\n"
    }

    /// A rectangle clip path named `id`, for `clip-path="url(#id)"`.
    public mutating func clipRect(id: String, x: Double, y: Double, width: Double, height: Double) {
        definitions += "<clipPath id=\"\(id)\"><rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" "
            + "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\"/></clipPath>\n"
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, strokeWidth: Double = 1) {
        var element = "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\"" }
        raw(element + "/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                              dash: String? = nil) {
        var element = "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" "
            + "y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        raw(element + "/>")
    }

    /// A polyline through page points.
    public mutating func polyline(_ points: [SIMD2<Double>], stroke: String, width: Double = 1.5, clip: String? = nil,
                                  dash: String? = nil) {
        guard points.count > 1 else { return }
        var element = "<polyline points=\"\(Self.points(points))\" fill=\"none\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        if let clip { element += " clip-path=\"url(#\(clip))\"" }
        raw(element + "/>")
    }

    /// A filled path from path data (`M x y L … Z`).
    public mutating func path(_ data: String, fill: String, stroke: String? = nil, strokeWidth: Double = 1,
                              clip: String? = nil) {
        guard !data.isEmpty else { return }
        var element = "<path d=\"\(data)\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\" stroke-linejoin=\"round\"" }
        if let clip { element += " clip-path=\"url(#\(clip))\"" }
        raw(element + "/>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil,
                                strokeWidth: Double = 1) {
        var element = "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\"" }
        raw(element + "/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    /// Text with its baseline at `y`; `rotate` turns it about its anchor (−90: reads upward).
    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 10, anchor: Anchor = .start,
                              fill: String, bold: Bool = false, rotate: Double = 0, monospace: Bool = false) {
        var element = "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\""
        element += " font-family=\"\(monospace ? "DejaVu Sans Mono, monospace" : Self.fontFamily)\""
        if anchor != .start { element += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { element += " font-weight=\"bold\"" }
        if rotate != 0 {
            element += " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\""
        }
        element += " fill=\"\(fill)\">\(Self.escape(text))</text>"
        raw(element)
    }

    // MARK: - Formatting

    /// A coordinate: at most two decimals, trailing zeros dropped, never `-0`;
    /// far-off values (a diverged point at 1e30) are clamped so renderers
    /// never meet a number they cannot hold.
    /// - Parameter tenths: one decimal only (contour band outlines: 0.1 pt
    ///   is finer than any screen, and the bands are most of a figure's bytes).
    public static func number(_ value: Double, tenths: Bool = false) -> String {
        guard value.isFinite else { return "0" }
        let clamped = min(max(value, -1e6), 1e6)
        let hundredths = tenths ? (clamped * 10).rounded() * 10 : (clamped * 100).rounded()
        if hundredths == 0 { return "0" }
        let negative = hundredths < 0
        let magnitude = Int64(abs(hundredths))
        let whole = magnitude / 100, fraction = magnitude % 100
        var text = negative ? "-\(whole)" : "\(whole)"
        if fraction != 0 {
            text += fraction % 10 == 0 ? ".\(fraction / 10)" : (fraction < 10 ? ".0\(fraction)" : ".\(fraction)")
        }
        return text
    }

    /// `x,y x,y …` for a `points` attribute.
    public static func points(_ points: [SIMD2<Double>]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    /// Text made safe for element content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if scalar.value < 0x20, scalar != "\t", scalar != "\n" { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// `#rrggbb` for a colour; `.default` (the terminal's own) takes `fallback`.
    public static func hex(_ color: Color, fallback: (UInt8, UInt8, UInt8)) -> String {
        let (r, g, b): (UInt8, UInt8, UInt8)
        switch color {
        case .default: (r, g, b) = fallback
        case .indexed(let index):
            let c = XtermPalette.rgb(ofIndex: index)
            (r, g, b) = (c.r, c.g, c.b)
        case .rgb(let red, let green, let blue): (r, g, b) = (red, green, blue)
        }
        return "#" + [r, g, b].map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
    }
}
