/// An in-memory grid of cells: what one frame shows.
///
/// Widgets draw into a `Screen` and never touch the terminal; the
/// ``Terminal`` diffs consecutive screens and writes only the changed cells.
/// Every write is clipped, so a widget handed too small an area draws less
/// instead of trapping.
public struct Screen: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major cells, `y * width + x`.
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: fill, count: self.width * self.height)
    }

    /// The whole screen as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at a position, or nil outside the screen.
    public func cell(x: Int, y: Int) -> Cell? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        return cells[y * width + x]
    }

    /// Reads or writes a cell; reads outside give a blank, writes outside are dropped.
    public subscript(x: Int, y: Int) -> Cell {
        get { cell(x: x, y: y) ?? .blank }
        set {
            guard x >= 0, x < width, y >= 0, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Changes a cell in place (no-op outside the screen).
    @inline(__always)
    public mutating func modify(x: Int, y: Int, _ body: (inout Cell) -> Void) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        body(&cells[y * width + x])
    }

    /// Writes one glyph.
    public mutating func put(_ scalar: Unicode.Scalar, x: Int, y: Int, style: Style) {
        self[x, y] = Cell(scalar, style: style)
    }

    /// Writes text left to right from `(x, y)`, clipped to `clip` and the screen.
    ///
    /// Each Unicode scalar takes one column (gradlab draws no wide glyphs);
    /// control characters become spaces so a stray newline in a message cannot
    /// break the frame.
    /// - Returns: the column after the last character written (or skipped).
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let limit = clip.map { $0.intersection(bounds) } ?? bounds
        var column = x
        guard y >= limit.y, y < limit.maxY else { return x + text.unicodeScalars.count }
        for scalar in text.unicodeScalars {
            if column >= limit.maxX { return column + 1 }
            if column >= limit.x {
                let glyph: Unicode.Scalar = scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar
                cells[y * width + column] = Cell(glyph, style: style)
            }
            column += 1
        }
        return column
    }

    /// Paints a rectangle with one glyph and style.
    public mutating func fill(_ rect: Rect, with scalar: Unicode.Scalar = " ", style: Style) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let cell = Cell(scalar, style: style)
        for row in area.y..<area.maxY {
            let base = row * width
            for column in area.x..<area.maxX { cells[base + column] = cell }
        }
    }

    /// Copies another screen's cells with their top-left at `(x, y)`.
    public mutating func blit(_ other: Screen, x: Int, y: Int) {
        for row in 0..<other.height {
            for column in 0..<other.width {
                self[x + column, y + row] = other.cells[row * other.width + column]
            }
        }
    }

    /// The text of each row with trailing spaces trimmed: what golden tests compare.
    public var lines: [String] {
        (0..<height).map { row in
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: cells[(row * width)..<(row * width + width)].map(\.scalar))
            var line = String(scalars)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// A readable dump of the styles: one letter per cell (a letter per distinct
    /// style, `.` for the plain style), then a legend describing each letter.
    /// Used by the few tests that check colour and emphasis, not just text.
    public var styleDump: String {
        var letters: [Style: Character] = [.plain: "."]
        var legend: [String] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var rows: [String] = []
        for row in 0..<height {
            var line = ""
            for column in 0..<width {
                let style = cells[row * width + column].style
                if let letter = letters[style] {
                    line.append(letter)
                } else {
                    let letter = legend.count < alphabet.count ? alphabet[legend.count] : "?"
                    letters[style] = letter
                    legend.append("\(letter) = \(style.summary)")
                    line.append(letter)
                }
            }
            rows.append(line)
        }
        return (rows + legend).joined(separator: "\n")
    }
}

extension Style {
    /// A short human description, e.g. `fg #ff8800 bg default bold`.
    var summary: String {
        var parts = ["fg \(fg.summary)", "bg \(bg.summary)"]
        if bold { parts.append("bold") }
        if dim { parts.append("dim") }
        if reverse { parts.append("reverse") }
        if underline { parts.append("underline") }
        return parts.joined(separator: " ")
    }
}

extension Color {
    /// `default`, `#rrggbb` or `@index`.
    var summary: String {
        switch self {
        case .default: return "default"
        case .indexed(let i): return "@\(i)"
        case .rgb(let r, let g, let b): return "#" + [r, g, b].map(\.hex2).joined()
        }
    }
}

extension UInt8 {
    /// Two lowercase hex digits.
    var hex2: String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(self >> 4)], digits[Int(self & 15)]])
    }
}
