/// How a piece of text stands out.
public enum Emphasis: Hashable, Sendable {
    case normal
    /// Bold foreground.
    case strong
    /// Accent colour (changed values, the selection).
    case accent
    case muted
    case warning
    case error

    /// The style on a given background; monochrome falls back to attributes.
    func style(_ theme: Theme, background: Color, caps: Capabilities, base: Color? = nil) -> Style {
        let plain = Style(fg: base ?? theme.foreground, bg: background)
        switch self {
        case .normal: return plain
        case .strong: return plain.bolded
        case .accent: return Style(fg: theme.accent, bg: background, bold: true)
        case .muted: return Style(fg: theme.muted, bg: background, dim: caps.isMonochrome)
        case .warning: return Style(fg: theme.warning, bg: background, bold: true)
        case .error: return Style(fg: theme.error, bg: background, bold: true, reverse: caps.isMonochrome)
        }
    }
}

/// One line of the inspector: a label on the left, a value on the right.
public struct InspectorRow: Sendable, Equatable {
    public var label: String
    public var value: String
    public var emphasis: Emphasis

    public init(_ label: String, _ value: String, emphasis: Emphasis = .normal) {
        self.label = label
        self.value = value
        self.emphasis = emphasis
    }
}

/// A titled group of rows.
public struct InspectorSection: Sendable, Equatable {
    public var title: String
    public var rows: [InspectorRow]

    public init(_ title: String, rows: [InspectorRow]) {
        self.title = title
        self.rows = rows
    }
}

/// Named values in sections (config, parameters, the selected point),
/// values right-aligned so numbers line up, long text cut with `…`.
public struct Inspector: Sendable {
    public var title: String
    public var sections: [InspectorSection]
    /// First line shown; clamped so the last page is full.
    public var scrollOffset: Int
    public var focused: Bool

    public init(title: String = "Inspector", sections: [InspectorSection] = [], scrollOffset: Int = 0,
                focused: Bool = false) {
        self.title = title
        self.sections = sections
        self.scrollOffset = scrollOffset
        self.focused = focused
    }

    /// Lines of content: a title per section, its rows, a blank line between sections.
    public var lineCount: Int {
        sections.reduce(0) { $0 + 1 + $1.rows.count } + max(0, sections.count - 1)
    }

    /// The scroll offset actually used for a given visible height.
    public func clampedOffset(visibleLines: Int) -> Int {
        min(max(0, scrollOffset), max(0, lineCount - visibleLines))
    }

    private enum Line {
        case title(String)
        case row(InspectorRow)
        case blank
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        let visible = max(0, area.height - 2)
        let offset = clampedOffset(visibleLines: visible)
        let detail = lineCount > visible && visible > 0 ? "\(offset + 1)-\(min(lineCount, offset + visible))/\(lineCount)" : ""
        let inner = Panel(title: title, detail: detail, focused: focused)
            .render(into: &screen, area: area, theme: theme, caps: caps)
        guard inner.width > 2, inner.height > 0 else { return }

        var lines: [Line] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append(.blank) }
            lines.append(.title(section.title))
            lines += section.rows.map(Line.row)
        }
        let content = inner.inset(left: 1, right: 1)
        let ellipsis = caps.glyphs.ellipsis
        for (row, line) in lines.dropFirst(offset).prefix(inner.height).enumerated() {
            let y = inner.y + row
            switch line {
            case .blank:
                break
            case .title(let text):
                let style = Style(fg: theme.title, bg: theme.background, bold: true, underline: caps.isMonochrome)
                screen.put(TextFit.truncate(text, to: content.width, ellipsis: ellipsis), x: content.x, y: y, style: style)
            case .row(let item):
                let (label, value) = Self.fit(label: item.label, value: item.value, width: content.width, ellipsis: ellipsis)
                screen.put(label, x: content.x, y: y, style: theme.mutedText)
                let valueStyle = item.emphasis.style(theme, background: theme.background, caps: caps)
                screen.put(value, x: content.maxX - value.unicodeScalars.count, y: y, style: valueStyle)
            }
        }
    }

    /// Splits a width between label and value. The value (usually a number)
    /// wins: the label is cut first, down to a few characters, then the value.
    static func fit(label: String, value: String, width: Int, ellipsis: Unicode.Scalar) -> (String, String) {
        let labelCount = label.unicodeScalars.count, valueCount = value.unicodeScalars.count
        if labelCount + 1 + valueCount <= width { return (label, value) }
        let keptLabel = min(labelCount, 4)
        let valueRoom = max(1, width - (keptLabel > 0 ? keptLabel + 1 : 0))
        let shownValue = TextFit.truncate(value, to: valueRoom, ellipsis: ellipsis)
        let labelRoom = width - shownValue.unicodeScalars.count - 1
        return (TextFit.truncate(label, to: max(0, labelRoom), ellipsis: ellipsis), shownValue)
    }
}
