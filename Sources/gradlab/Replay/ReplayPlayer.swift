import GradlabCore
import GradlabUI

/// Playback of a recording: where it is, whether it plays and how fast, and
/// the go-to prompt. Pure state, so every key's effect is testable without a
/// terminal; ``ReplayApp`` draws it.
struct ReplayPlayer {
    /// The position shown (an index into ``RunIndex/records``).
    private(set) var position = 0
    let lastPosition: Int
    private(set) var playing = false
    /// Positions advanced per frame while playing.
    private(set) var speed = 1
    /// The digits typed after `g`; nil when not typing.
    private(set) var goToText: String?
    /// A one-off message (a warning, a failed go-to) shown until the next key.
    var note: Note?

    struct Note: Equatable {
        var text: String
        var isWarning: Bool
    }

    /// What a key asks the app to do beyond changing this state.
    enum Outcome: Equatable {
        case handled
        /// Not a playback key: the app applies it to the view.
        case view(Action)
        case fork
        case quit
        case ignored
    }

    init(lastPosition: Int) {
        self.lastPosition = max(lastPosition, 0)
    }

    /// The longest epoch number the prompt takes.
    static let maxDigits = 9

    /// The status-bar prompt while typing an epoch number.
    var prompt: String? { goToText.map { "go to epoch: \($0)▏  Enter go, Esc cancel" } }

    /// The input mode: typing an epoch after `g`, or the replay's keys.
    var mode: InputMode { goToText == nil ? .normal : .goTo }

    /// Handles a key through the table of the current mode: in the go-to
    /// prompt (``Keymap/goTo``) digits are typed and its editing keys apply;
    /// every other key leaves the prompt and goes through ``Keymap/replay``.
    mutating func handle(_ key: Key, index: RunIndex) -> Outcome {
        if key == .resize { return .ignored }
        if let text = goToText {
            if case .character(let c) = key, c.isASCII, c.isNumber {
                if text.count < Self.maxDigits { goToText = text + String(c) }
                return .handled
            }
            switch Keymap.action(for: key, in: Keymap.goTo) {
            case .deleteBackward?:
                goToText = String(text.dropLast())
                return .handled
            case .submitLine?:
                goToText = nil
                goTo(text, index: index)
                return .handled
            case .cancelLine?:
                goToText = nil
                return .handled
            default:
                goToText = nil // any other key leaves the prompt and does its own thing
            }
        }
        guard let action = Keymap.action(for: key, in: Keymap.replay) else { return .ignored }
        note = nil
        return apply(action)
    }

    /// Applies a replay action.
    mutating func apply(_ action: Action) -> Outcome {
        switch action {
        case .runPause:
            if !playing, position >= lastPosition { position = 0 }
            playing.toggle()
            if lastPosition == 0 { playing = false }
        case .stepOnce: seek(position + 1)
        case .stepBack: seek(position - 1)
        case .jumpToStart: seek(0)
        case .jumpToEnd: seek(lastPosition)
        case .goToEpoch:
            playing = false
            goToText = ""
        case .epochsPerFrameUp, .epochsPerFrameDown:
            speed = ViewState.nextEpochsPerFrame(speed, up: action == .epochsPerFrameUp)
        case .fork:
            playing = false
            return .fork
        case .quit: return .quit
        default: return .view(action)
        }
        return .handled
    }

    /// Moves there and pauses.
    mutating func seek(_ target: Int) {
        playing = false
        position = min(max(target, 0), lastPosition)
    }

    /// One frame of playback; returns whether the position moved. Playing
    /// stops at the end.
    mutating func tick() -> Bool {
        guard playing else { return false }
        let next = min(position + speed, lastPosition)
        let moved = next != position
        position = next
        if position >= lastPosition { playing = false }
        return moved
    }

    private mutating func goTo(_ text: String, index: RunIndex) {
        guard let epoch = Int(text) else { return }
        if let found = index.position(ofEpoch: epoch, near: position) {
            seek(found)
        } else {
            // Short enough for an 80-column status bar; after a reset epochs start again, so the range covers every segment.
            let epochs = index.records.map(\.epoch)
            note = Note(text: "no epoch \(epoch) (epochs \(epochs.min() ?? 0)-\(epochs.max() ?? 0))", isWarning: true)
        }
    }
}
