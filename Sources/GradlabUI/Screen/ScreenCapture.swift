/// A screen as an SVG file of text cells: what the user sees, colours and
/// attributes included, for bug reports and docs. Each row is text (one
/// `<text>` per run of cells in one style, pinned to the cell grid with
/// `textLength`), so it stays searchable and copyable.
public enum ScreenCapture {
    /// Cell size in SVG user units for a 14-unit monospace font.
    static let cellWidth = 8.4
    static let cellHeight = 17.0
    static let fontSize = 14.0

    /// - Parameters:
    ///   - defaultForeground: what the terminal's own foreground (`.default`) is painted as.
    ///   - defaultBackground: the same for the background.
    public static func svg(_ screen: Screen, defaultForeground: (UInt8, UInt8, UInt8) = (216, 222, 233),
                           defaultBackground: (UInt8, UInt8, UInt8) = (30, 33, 40)) -> String {
        var svg = SVGDocument(width: Double(screen.width) * cellWidth, height: Double(screen.height) * cellHeight)
        let background = SVGDocument.hex(.default, fallback: defaultBackground)
        svg.rect(x: 0, y: 0, width: svg.width, height: svg.height, fill: background)
        func colors(_ style: Style) -> (fg: String, bg: String) {
            let fg = SVGDocument.hex(style.fg, fallback: defaultForeground)
            let bg = SVGDocument.hex(style.bg, fallback: defaultBackground)
            return style.reverse ? (bg, fg) : (fg, bg)
        }
        for y in 0..<screen.height {
            // Backgrounds: runs of one colour.
            var x = 0
            while x < screen.width {
                let bg = colors(screen.cell(x: x, y: y)?.style ?? .plain).bg
                var end = x + 1
                while end < screen.width, colors(screen.cell(x: end, y: y)?.style ?? .plain).bg == bg { end += 1 }
                if bg != background {
                    svg.rect(x: Double(x) * cellWidth, y: Double(y) * cellHeight, width: Double(end - x) * cellWidth,
                             height: cellHeight, fill: bg)
                }
                x = end
            }
            // Text: runs of one foreground and attributes, blanks skipped.
            x = 0
            while x < screen.width {
                guard let cell = screen.cell(x: x, y: y) else { break }
                if cell.scalar == " " {
                    x += 1
                    continue
                }
                let key = textKey(cell.style, colors(cell.style).fg)
                var end = x + 1
                var text = String(cell.scalar)
                while end < screen.width, let next = screen.cell(x: end, y: y), next.scalar == " " || textKey(next.style, colors(next.style).fg) == key {
                    text.unicodeScalars.append(next.scalar)
                    end += 1
                }
                while text.hasSuffix(" ") {
                    text.removeLast()
                    end -= 1
                }
                var element = "<text x=\"\(SVGDocument.number(Double(x) * cellWidth))\" y=\"\(SVGDocument.number(Double(y) * cellHeight + cellHeight * 0.78))\""
                element += " textLength=\"\(SVGDocument.number(Double(end - x) * cellWidth))\" lengthAdjust=\"spacingAndGlyphs\""
                element += " font-family=\"DejaVu Sans Mono, monospace\" font-size=\"\(SVGDocument.number(fontSize))\" xml:space=\"preserve\""
                element += " fill=\"\(key.fg)\""
                if key.bold { element += " font-weight=\"bold\"" }
                if key.dim { element += " fill-opacity=\"0.6\"" }
                if key.underline { element += " text-decoration=\"underline\"" }
                svg.raw(element + ">\(SVGDocument.escape(text))</text>")
                x = end
            }
        }
        return svg.text
    }

    private struct TextKey: Equatable {
        var fg: String
        var bold: Bool
        var dim: Bool
        var underline: Bool
    }

    private static func textKey(_ style: Style, _ fg: String) -> TextKey {
        TextKey(fg: fg, bold: style.bold, dim: style.dim, underline: style.underline)
    }
}
