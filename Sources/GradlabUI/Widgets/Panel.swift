/// A bordered box with a title: the frame around every dashboard pane.
///
/// ```
/// ╭─ Loss ───────────── log ─╮
/// │                          │
/// ╰──────────────────────────╯
/// ```
/// Rounded corners, or `+-|` with the ASCII glyph set. A focused panel's
/// border takes the accent colour (bold, so it still shows in monochrome).
public struct Panel: Sendable {
    public var title: String
    /// Short text on the right of the top border (a mode, a scroll position).
    public var detail: String
    public var focused: Bool

    public init(title: String, detail: String = "", focused: Bool = false) {
        self.title = title
        self.detail = detail
        self.focused = focused
    }

    /// Draws the border, fills the inside with the theme background, and
    /// returns the inside.
    @discardableResult
    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) -> Rect {
        screen.fill(area, style: theme.text)
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let box = caps.glyphs.box
        let border = Style(fg: focused ? theme.accent : theme.border, bg: theme.background, bold: focused)
        let right = area.maxX - 1, bottom = area.maxY - 1
        for column in (area.x + 1)..<right {
            screen.put(box.horizontal, x: column, y: area.y, style: border)
            screen.put(box.horizontal, x: column, y: bottom, style: border)
        }
        for row in (area.y + 1)..<bottom {
            screen.put(box.vertical, x: area.x, y: row, style: border)
            screen.put(box.vertical, x: right, y: row, style: border)
        }
        screen.put(box.topLeft, x: area.x, y: area.y, style: border)
        screen.put(box.topRight, x: right, y: area.y, style: border)
        screen.put(box.bottomLeft, x: area.x, y: bottom, style: border)
        screen.put(box.bottomRight, x: right, y: bottom, style: border)

        // Title after "╭─", detail before "─╮"; the detail gives way first.
        let room = area.width - 4
        let titleText = title.isEmpty ? "" : TextFit.truncate(" \(title) ", to: room, ellipsis: caps.glyphs.ellipsis)
        let titleStyle = Style(fg: focused ? theme.accent : theme.title, bg: theme.background,
                               bold: true, reverse: focused && caps.isMonochrome)
        screen.put(titleText, x: area.x + 2, y: area.y, style: titleStyle)
        let detailRoom = room - titleText.count - 1
        if !detail.isEmpty, detail.count + 2 <= detailRoom {
            let text = " \(detail) "
            screen.put(text, x: right - 1 - text.count, y: area.y, style: Style(fg: theme.muted, bg: theme.background))
        }
        return area.inset(by: 1)
    }
}

/// Fitting text into a width.
public enum TextFit {
    /// The text cut to `width` columns, ending in an ellipsis when cut.
    public static func truncate(_ text: String, to width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        let scalars = text.unicodeScalars
        guard width > 0 else { return "" }
        guard scalars.count > width else { return text }
        var view = String.UnicodeScalarView(scalars.prefix(width - 1))
        view.append(ellipsis)
        return String(view)
    }

    /// The text cut to `width` columns, ending in an ellipsis when cut, as
    /// ``truncate(_:to:ellipsis:)`` does unless that would cut a number: then
    /// at the space before the number's word, so a message never shows part
    /// of a number as if whole (`ends at epoch 5…` of `50`). A word with no
    /// space before it is cut before the number; spaces before `…` go.
    public static func truncateOutsideNumbers(_ text: String, to width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        let scalars = Array(text.unicodeScalars)
        guard width > 0 else { return "" }
        guard scalars.count > width else { return text }
        func isDigit(_ index: Int) -> Bool { index >= 0 && index < scalars.count && ("0"..."9").contains(scalars[index]) }
        func isPart(_ index: Int, of marks: String) -> Bool { index >= 0 && marks.unicodeScalars.contains(scalars[index]) }
        var end = width - 1
        // The first scalar dropped continues a number the last one kept is part of.
        let continues = isDigit(end) || (isPart(end, of: ".,") && isDigit(end + 1))
        let inside = isDigit(end - 1) || (isPart(end - 1, of: ".,-+") && (isDigit(end - 2) || isDigit(end)))
        if continues && inside {
            if let space = scalars[..<end].lastIndex(of: " ") {
                end = space
            } else {
                while end > 0, isDigit(end - 1) || isPart(end - 1, of: ".,-+") { end -= 1 }
            }
        }
        while end > 0, scalars[end - 1] == " " { end -= 1 }
        var view = String.UnicodeScalarView(scalars[..<end])
        view.append(ellipsis)
        return String(view)
    }

    /// The text right-aligned in `width` columns (cut from the right when too long).
    public static func padLeft(_ text: String, to width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        let cut = truncate(text, to: width, ellipsis: ellipsis)
        return String(repeating: " ", count: max(0, width - cut.unicodeScalars.count)) + cut
    }
}
