/// Whether training runs, waits, or replays a recording.
public enum RunMode: String, Hashable, Sendable, CaseIterable {
    case live
    case paused
    case replay

    /// The badge text.
    public var badge: String { rawValue.uppercased() }
}

/// The bottom line: what mode gradlab is in and the numbers that matter,
/// with a message on the right.
///
/// ```
///  LIVE  landscape │ epoch 120 │ lr 0.0178 │ 10/frame │ adam │ cpu │ ● REC     saved run.json
/// ```
public struct StatusBar: Sendable {
    public var mode: RunMode
    /// After the badge's word, in the badge: a replay's `playing`,
    /// `paused` or `at end`.
    public var modeDetail: String?
    public var lab: String
    public var epoch: Int
    public var learningRate: Double
    /// Shown instead of `lr <learningRate>` when set (under `--compare`:
    /// `lr ×1.78 each`, as every group keeps its own rate).
    public var learningRateText: String?
    public var optimizer: String
    public var device: String
    /// Epochs run per frame while live; nil hides it.
    public var epochsPerFrame: Int?
    public var recording: Bool
    /// Right-aligned, cut with `…` when the line is full (never inside a number).
    public var message: String
    public var messageEmphasis: Emphasis
    /// Long work under way: shown in place of the message, so the line says
    /// something is happening before it is done (``BusyNote``).
    public var busy: BusyNote?

    public init(
        mode: RunMode = .paused, lab: String = "", epoch: Int = 0, learningRate: Double = 0,
        optimizer: String = "", device: String = "", epochsPerFrame: Int? = nil, recording: Bool = false,
        message: String = "", messageEmphasis: Emphasis = .normal
    ) {
        self.mode = mode
        self.lab = lab
        self.epoch = epoch
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.device = device
        self.epochsPerFrame = epochsPerFrame
        self.recording = recording
        self.message = message
        self.messageEmphasis = messageEmphasis
    }

    private struct Segment {
        var text: String
        var style: Style
        /// Lower gives way first when the line is short.
        var priority: Int
    }

    public func render(into screen: inout Screen, area: Rect, theme: Theme, caps: Capabilities) {
        guard area.height > 0, area.width > 0 else { return }
        let message = busy?.line(glyphs: caps.glyphs) ?? self.message
        let messageEmphasis = busy == nil ? self.messageEmphasis : .accent
        let row = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        let base = Style(fg: theme.statusForeground, bg: theme.statusBackground)
        screen.fill(row, style: base)

        let modeColor: Color = switch mode {
        case .live: theme.modeLive
        case .paused: theme.modePaused
        case .replay: theme.modeReplay
        }
        // Monochrome: LIVE in reverse, PAUSED plain bold, REPLAY underlined, so the three still differ.
        let badgeStyle = caps.isMonochrome
            ? Style(bold: true, reverse: mode == .live, underline: mode == .replay)
            : Style(fg: theme.statusBackground, bg: modeColor, bold: true)
        var segments: [Segment] = [Segment(text: " \(mode.badge)\(modeDetail.map { " " + $0 } ?? "") ", style: badgeStyle, priority: 9)]
        let value = base.bolded
        let separator = Segment(text: " \(caps.glyphs.separator) ", style: base.fg(theme.muted), priority: 0)
        var items: [Segment] = []
        if !lab.isEmpty { items.append(Segment(text: lab, style: value, priority: 3)) }
        items.append(Segment(text: "epoch \(epoch)", style: value, priority: 8))
        items.append(Segment(text: learningRateText ?? "lr \(NumberText.short(learningRate))", style: value, priority: 7))
        if let perFrame = epochsPerFrame { items.append(Segment(text: "\(perFrame)/frame", style: base, priority: 2)) }
        if !optimizer.isEmpty { items.append(Segment(text: optimizer, style: value, priority: 6)) }
        if !device.isEmpty { items.append(Segment(text: device, style: base, priority: 4)) }
        if recording {
            items.append(Segment(text: "\(caps.glyphs.recordingMarker) REC",
                                 style: base.fg(theme.error).bolded, priority: 5))
        }

        // Leave the message at least a little room; drop low-priority items until the rest fits.
        let messageRoom = min(message.unicodeScalars.count, 16) + (message.isEmpty ? 0 : 2)
        func width(_ items: [Segment]) -> Int {
            items.reduce(segments[0].text.count + 1) { $0 + $1.text.unicodeScalars.count + separator.text.count }
        }
        while !items.isEmpty, width(items) > area.width - messageRoom,
              let lowest = items.indices.min(by: { items[$0].priority < items[$1].priority }) {
            items.remove(at: lowest)
        }
        // A warning, an error or long work under way is read whole where it
        // can be: the items that give way first (the lab, epochs per frame,
        // the device) make room for it.
        if messageEmphasis == .warning || messageEmphasis == .error || busy != nil {
            while width(items) > area.width - message.unicodeScalars.count - 2,
                  let lowest = items.indices.filter({ items[$0].priority < 5 }).min(by: { items[$0].priority < items[$1].priority }) {
                items.remove(at: lowest)
            }
        }
        segments.append(Segment(text: " ", style: base, priority: 0))
        for (index, item) in items.enumerated() {
            if index > 0 { segments.append(separator) }
            segments.append(item)
        }

        var x = area.x
        for segment in segments { x = screen.put(segment.text, x: x, y: area.y, style: segment.style, clip: row) }

        // At least two spaces between the last segment and the message.
        let room = area.maxX - x - 3
        guard !message.isEmpty, room > 0 else { return }
        let text = TextFit.truncateOutsideNumbers(message, to: room, ellipsis: caps.glyphs.ellipsis)
        let style = messageEmphasis.style(theme, background: theme.statusBackground, caps: caps, base: theme.statusForeground)
        screen.put(text, x: area.maxX - 1 - text.unicodeScalars.count, y: area.y, style: style, clip: row)
    }
}

/// Work under way that takes long enough to say so (placing 100,000,000
/// points), as the status line shows it: a spinner that turns every 100 ms,
/// the text, and from a second on the seconds spent:
/// `⠹ placing 100,000,000 points… 3 s`.
public struct BusyNote: Sendable, Equatable {
    /// What is done, without an ellipsis.
    public var text: String
    public var elapsed: Duration

    public init(_ text: String, elapsed: Duration) {
        self.text = text
        self.elapsed = elapsed
    }

    /// The line for a terminal with `glyphs`.
    public func line(glyphs: GlyphSet) -> String {
        let frames = glyphs.spinner
        let turn = max(0, Int(elapsed / .milliseconds(100)))
        let seconds = elapsed.components.seconds
        return "\(frames[turn % frames.count]) \(text)\(glyphs == .ascii ? "..." : "…")" + (seconds >= 1 ? " \(seconds) s" : "")
    }
}
