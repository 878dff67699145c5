/// The key help, drawn over the frame in a centred box, grouped as the keymap is.
///
/// It lists exactly ``Keymap/default`` (or the bindings given), flowing the
/// groups into as many columns as the height needs.
public struct HelpOverlay: Sendable {
    public var bindings: [KeyBinding]
    public var title: String
    /// The status line's last message, shown whole (the status bar cuts a
    /// long one: why CUDA is unavailable, what to do after a divergence).
    public var lastMessage: String?

    /// What the footer says closes (or turns) the help.
    public var footer = "press ? or Esc to close"
    /// The first line shown when the keys do not fit the height (j/k
    /// scroll): clamped to ``overflow(area:caps:)``.
    public var scroll = 0

    public init(bindings: [KeyBinding] = Keymap.default, title: String = "Keys", lastMessage: String? = nil) {
        self.bindings = bindings
        self.title = title
        self.lastMessage = lastMessage
    }

    private enum Line {
        case group(String)
        case binding(keys: String, help: String)
        /// A binding's help text past its first line.
        case continuation(String)
        case blank
    }

    /// How the keys are laid out in an area: the columns, the lines of
    /// each shown at once, and the widths.
    private struct Layout {
        var columns: [[Line]]
        var visible: Int
        var keyWidth: Int
        /// Room for a binding's help text: longer ones wrap.
        var helpWidth: Int
        /// The last message, wrapped, under the keys.
        var message: [String]
        var columnWidth: Int { keyWidth + 2 + helpWidth }
        var contentWidth: Int { columns.count * columnWidth + max(0, columns.count - 1) * 3 }
        /// Lines below the visible ones in the tallest column.
        var overflow: Int { max(0, (columns.map(\.count).max() ?? 0) - visible) }
    }

    /// The fewest columns whose tallest fits the height, but never so many
    /// that a key's text has less than `readableHelp` characters a line:
    /// past that, the lines scroll instead (a small terminal). A help text
    /// longer than its column wraps onto the lines below, whole.
    private func layout(area: Rect, caps: Capabilities) -> Layout {
        let keyWidth = bindings.map { $0.keyText(glyphs: caps.glyphs).unicodeScalars.count }.max() ?? 0
        let naturalHelp = bindings.map { $0.help.count }.max() ?? 0
        let readableHelp = min(naturalHelp, 24)
        // The box's border and padding take 4 columns, each gap between columns 3.
        let fitting = max(1, (area.width - 4 + 3) / (keyWidth + 2 + readableHelp + 3))
        func helpWidth(columns count: Int) -> Int {
            max(1, min(naturalHelp, (area.width - 4 - 3 * (count - 1)) / count - keyWidth - 2))
        }
        func blocks(helpWidth: Int) -> [[Line]] {
            KeyGroup.allCases.compactMap { group in
                let members = bindings.filter { $0.group == group }
                guard !members.isEmpty else { return nil }
                return [.group(group.rawValue)] + members.flatMap { binding -> [Line] in
                    let lines = Self.wrap(binding.help, width: helpWidth)
                    return [.binding(keys: binding.keyText(glyphs: caps.glyphs), help: lines.first ?? "")]
                        + lines.dropFirst().map { .continuation($0) }
                }
            }
        }
        func columns(height: Int) -> (columns: [[Line]], helpWidth: Int) {
            var best: (columns: [[Line]], helpWidth: Int) = ([], naturalHelp)
            let groups = blocks(helpWidth: naturalHelp).count
            for count in 1...max(1, min(groups, fitting)) {
                let width = helpWidth(columns: count)
                best = (Self.flow(blocks(helpWidth: width), into: count), width)
                if (best.columns.map(\.count).max() ?? 0) <= height { break }
            }
            return best
        }
        // The last message, word-wrapped to the keys' width, under them
        // (the keys then have that much less height).
        let keysOnly = columns(height: max(1, area.height - 4))
        let keysWidth = keysOnly.columns.count * (keyWidth + 2 + keysOnly.helpWidth) + max(0, keysOnly.columns.count - 1) * 3
        let message = (lastMessage?.isEmpty == false ? lastMessage : nil).map {
            Self.wrap("Last message: " + $0, width: max(1, min(max(keysWidth, 20), area.width - 4)))
        } ?? []
        let maxContentHeight = max(1, area.height - 4 - (message.isEmpty ? 0 : message.count + 1))
        let laid = message.isEmpty ? keysOnly : columns(height: maxContentHeight)
        return Layout(columns: laid.columns, visible: min(maxContentHeight, laid.columns.map(\.count).max() ?? 0),
                      keyWidth: keyWidth, helpWidth: laid.helpWidth, message: message)
    }

    /// Lines of keys that do not fit `area` at once (0 when all fit): how
    /// far ``scroll`` goes.
    public func overflow(area: Rect, caps: Capabilities) -> Int { layout(area: area, caps: caps).overflow }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        // The panes behind go blank: a half-covered label (the loss axis's
        // `-0.5` cut to `-`) would read as some other value.
        screen.fill(area, style: theme.text)
        let layout = layout(area: area, caps: caps)
        let (keyWidth, contentWidth, helpWidth) = (layout.keyWidth, layout.contentWidth, layout.helpWidth)
        let first = min(max(0, scroll), layout.overflow)
        let columns = layout.columns.map { Array($0.dropFirst(first).prefix(layout.visible)) }
        // Keys that do not all fit say so in the footer, with where the view is.
        let tallest = layout.columns.map(\.count).max() ?? 0
        let footer = layout.overflow == 0 ? self.footer
            : "lines \(first + 1)-\(first + layout.visible) of \(tallest), j/k scroll; " + self.footer
        let message = layout.message
        let height = (columns.map(\.count).max() ?? 0) + 4 + (message.isEmpty ? 0 : message.count + 1)
        let width = max(contentWidth, footer.count, title.count + 4, message.isEmpty ? 0 : 20) + 4
        let box = area.centered(width: width, height: height)
        let inner = Panel(title: title, focused: true).render(into: &screen, area: box, theme: theme, caps: caps)
        guard !inner.isEmpty else { return }

        let usableColumn = columns.isEmpty ? 0 : min(layout.columnWidth, (inner.width - 2 - (columns.count - 1) * 3) / columns.count)
        let ellipsis = caps.glyphs.ellipsis
        let helpRoom = min(helpWidth, usableColumn - keyWidth - 2)
        for (index, column) in columns.enumerated() {
            let x = inner.x + 1 + index * (usableColumn + 3)
            for (row, line) in column.enumerated() {
                let y = inner.y + 1 + row
                guard y < inner.maxY - 1 else { break }
                switch line {
                case .blank: break
                case .group(let name):
                    screen.put(TextFit.truncate(name, to: usableColumn, ellipsis: ellipsis), x: x, y: y,
                               style: Style(fg: theme.title, bg: theme.background, bold: true, underline: caps.isMonochrome))
                case .binding(let keys, let help):
                    screen.put(keys, x: x, y: y, style: Style(fg: theme.accent, bg: theme.background, bold: true),
                               clip: Rect(x: x, y: y, width: min(keyWidth, usableColumn), height: 1))
                    screen.put(TextFit.truncate(help, to: helpRoom, ellipsis: ellipsis), x: x + keyWidth + 2, y: y,
                               style: theme.text)
                case .continuation(let help):
                    screen.put(TextFit.truncate(help, to: helpRoom, ellipsis: ellipsis), x: x + keyWidth + 2, y: y,
                               style: theme.text)
                }
            }
        }
        let messageTop = inner.maxY - 1 - message.count
        for (row, text) in message.enumerated() where messageTop + row > inner.y {
            screen.put(TextFit.truncate(text, to: inner.width - 2, ellipsis: ellipsis), x: inner.x + 1, y: messageTop + row, style: theme.text)
        }
        let footerText = TextFit.truncate(footer, to: inner.width, ellipsis: ellipsis)
        screen.put(footerText, x: inner.x + (inner.width - footerText.count) / 2, y: inner.maxY - 1,
                   style: theme.mutedText)
    }

    /// `text` in lines of at most `width` characters, broken between words.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        // A word longer than a line (a path) is cut into line-sized pieces.
        let words = text.split(separator: " ").flatMap { word -> [Substring] in
            guard word.count > width else { return [word] }
            return stride(from: 0, to: word.count, by: width).map { start in
                let from = word.index(word.startIndex, offsetBy: start)
                return word[from..<word.index(from, offsetBy: min(width, word.count - start))]
            }
        }
        for word in words {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Deals whole groups into `count` columns, left to right, each about the
    /// same height; a blank line separates groups within a column.
    private static func flow(_ blocks: [[Line]], into count: Int) -> [[Line]] {
        let total = blocks.reduce(0) { $0 + $1.count + 1 }
        let target = (total + count - 1) / count
        var columns: [[Line]] = [[]]
        for block in blocks {
            if let last = columns.last, !last.isEmpty, last.count + 1 + block.count > target, columns.count < count {
                columns.append([])
            }
            if !(columns[columns.count - 1].isEmpty) { columns[columns.count - 1].append(.blank) }
            columns[columns.count - 1] += block
        }
        return columns
    }
}

/// One centred line over an empty frame, e.g. "terminal too small".
public struct Notice: Sendable {
    public var message: String
    /// Said instead when `message` does not fit the width.
    public var shortMessage: String?
    public var emphasis: Emphasis

    public init(_ message: String, shortMessage: String? = nil, emphasis: Emphasis = .warning) {
        self.message = message
        self.shortMessage = shortMessage
        self.emphasis = emphasis
    }

    /// "terminal too small: need at least 60×18, have 50×12" (or "need 60×18, have 50×12" when narrow).
    public static func terminalTooSmall(needWidth: Int, needHeight: Int, width: Int, height: Int) -> Notice {
        Notice("terminal too small: need at least \(needWidth)×\(needHeight), have \(width)×\(height)",
               shortMessage: "need \(needWidth)×\(needHeight), have \(width)×\(height)")
    }

    /// Clears the area and centres the message (ASCII `x` for `×` when needed).
    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        screen.fill(area, style: theme.text)
        var text = message
        if let shortMessage, text.unicodeScalars.count > area.width { text = shortMessage }
        if caps.glyphs == .ascii { text = text.replacing("×", with: "x") }
        let fitted = TextFit.truncate(text, to: area.width, ellipsis: caps.glyphs.ellipsis)
        let spot = area.centered(width: fitted.unicodeScalars.count, height: 1)
        screen.put(fitted, x: spot.x, y: spot.y, style: emphasis.style(theme, background: theme.background, caps: caps))
    }
}
