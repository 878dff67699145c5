import GradlabUI

/// The `:` command line: the text being typed and its cursor, the history
/// (Up/Down), completion (Tab) and the last parse error, which stays shown
/// with a caret under the fault while the text is kept for editing. Pure
/// state: ``handle(_:themes:)`` is testable without a terminal, and
/// ``render(into:theme:caps:)`` draws it over a frame's bottom rows.
struct CommandPrompt {
    private(set) var isOpen = false
    private(set) var text: [Character] = []
    private(set) var cursor = 0
    private(set) var history: [String] = []
    /// The history entry shown (Up/Down); nil while typing a new line.
    private var historyIndex: Int?
    /// What was typed before Up went into the history.
    private var draft: [Character] = []
    /// Why the last Enter did not run: shown with a caret until the text changes.
    var error: CommandLineError?
    /// The names Tab found when more than one fits.
    private(set) var candidates: [String] = []

    /// The most lines the history keeps.
    static let historyLimit = 100

    var line: String { String(text) }

    mutating func open() {
        isOpen = true
        text = []
        cursor = 0
        historyIndex = nil
        error = nil
        candidates = []
    }

    mutating func close() {
        isOpen = false
        error = nil
        candidates = []
    }

    /// What an event did.
    enum Outcome: Equatable {
        case editing
        case cancelled
        /// Enter: parse and run this line (``accept(_:)`` or ``reject(_:)`` after).
        case submit(String)
    }

    /// An event while the prompt is open: printable keys and pastes type,
    /// the rest goes through ``Keymap/commandLine``.
    mutating func handle(_ event: InputEvent, themes: [String]) -> Outcome {
        switch event {
        case .paste(let pasted):
            insert(pasted.filter { !$0.isNewline })
            return .editing
        case .mouse, .resize:
            return .editing
        case .key(let key):
            if case .character(let c) = key {
                insert(String(c))
                return .editing
            }
            guard let action = Keymap.action(for: key, in: Keymap.commandLine) else { return .editing }
            switch action {
            case .submitLine: return .submit(line)
            case .cancelLine:
                close()
                return .cancelled
            case .complete: complete(themes: themes)
            case .historyPrevious: recall(older: true)
            case .historyNext: recall(older: false)
            case .cursorLeft: cursor = max(0, cursor - 1)
            case .cursorRight: cursor = min(text.count, cursor + 1)
            case .lineStart: cursor = 0
            case .lineEnd: cursor = text.count
            case .deleteBackward:
                if text.isEmpty {
                    // Backspace on an empty line leaves it, as in vim.
                    close()
                    return .cancelled
                }
                if cursor > 0 {
                    text.remove(at: cursor - 1)
                    cursor -= 1
                    edited()
                }
            default: break
            }
            return .editing
        }
    }

    /// The line ran: into the history, and the prompt closes.
    mutating func accept(_ line: String) {
        remember(line)
        close()
    }

    /// The line did not parse: the prompt stays open on the same text, the
    /// error under it; the line goes into the history too (Up brings it back).
    mutating func reject(_ line: String, error: CommandLineError) {
        remember(line)
        self.error = error
        cursor = min(max(0, error.column), text.count)
        historyIndex = nil
    }

    private mutating func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, history.last != line else { return }
        history.append(line)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    }

    private mutating func insert(_ string: String) {
        text.insert(contentsOf: string, at: cursor)
        cursor += string.count
        edited()
    }

    private mutating func edited() {
        error = nil
        candidates = []
        historyIndex = nil
    }

    private mutating func recall(older: Bool) {
        guard !history.isEmpty else { return }
        if historyIndex == nil {
            guard older else { return }
            draft = text
            historyIndex = history.count - 1
        } else if let index = historyIndex {
            let next = index + (older ? -1 : 1)
            if next >= history.count {
                historyIndex = nil
                text = draft
                cursor = text.count
                error = nil
                return
            }
            historyIndex = max(0, next)
        }
        text = Array(history[historyIndex ?? 0])
        cursor = text.count
        error = nil
        candidates = []
    }

    private mutating func complete(themes: [String]) {
        let (start, found) = LabCommand.completions(for: line, cursor: cursor, themes: themes)
        guard !found.isEmpty else {
            candidates = []
            return
        }
        let typed = cursor - start
        var common = found[0]
        for name in found.dropFirst() { while !name.hasPrefix(common) { common.removeLast() } }
        let completion = found.count == 1 ? found[0] + " " : common
        if completion.count >= typed {
            text.replaceSubrange(start..<cursor, with: completion)
            cursor = start + completion.count
        }
        error = nil
        historyIndex = nil
        candidates = found.count == 1 ? [] : found
    }

    /// Rows the prompt takes at the bottom: the line, and under it the
    /// error's caret line or Tab's candidates when there are any.
    var rows: Int { error != nil || !candidates.isEmpty ? 2 : 1 }

    /// Draws the prompt over the frame's bottom rows (the status bar's, and
    /// the one above it when there is an error or a list of candidates).
    func render(into screen: inout Screen, theme: Theme, caps: Capabilities) {
        guard isOpen, screen.height >= 2 else { return }
        let width = screen.width
        let lineRow = screen.height - rows
        screen.fill(Rect(x: 0, y: lineRow, width: width, height: rows), style: theme.text)
        // The text scrolls left when the cursor would be past the edge.
        let room = max(1, width - 2)
        let shift = max(0, cursor - room + 1)
        let shown = String(text.dropFirst(shift).prefix(room))
        screen.put(":", x: 0, y: lineRow, style: Style(fg: theme.accent, bg: theme.background, bold: true))
        screen.put(shown, x: 1, y: lineRow, style: theme.text)
        let cursorColumn = 1 + cursor - shift
        if cursorColumn < width {
            let under = cursor < text.count ? String(text[cursor]) : " "
            screen.put(under, x: cursorColumn, y: lineRow, style: Style(fg: theme.background, bg: theme.foreground))
        }
        if let error {
            let caretColumn = 1 + min(max(0, error.column), text.count) - shift
            let message = "^ " + error.message
            let x = max(0, min(caretColumn, width - 1))
            let errorStyle = Style(fg: theme.warning, bg: theme.background, bold: true)
            if x + message.count <= width {
                screen.put(message, x: x, y: lineRow + 1, style: errorStyle)
            } else {
                // The caret stays under the fault; the message goes where it fits.
                screen.put("^", x: x, y: lineRow + 1, style: errorStyle)
                let rest = TextFit.truncateOutsideNumbers(error.message, to: max(0, width - 2), ellipsis: caps.glyphs.ellipsis)
                let start = x + 2 + rest.count <= width ? x + 2 : (x >= rest.count + 1 ? x - rest.count - 1 : 0)
                if start != x { screen.put(rest, x: start, y: lineRow + 1, style: errorStyle) }
            }
        } else if !candidates.isEmpty {
            screen.put(TextFit.truncate(candidates.joined(separator: "  "), to: width, ellipsis: caps.glyphs.ellipsis),
                       x: 1, y: lineRow + 1, style: theme.mutedText)
        }
    }
}
