/// A mouse button, or the wheel (reported as buttons 4 and 5 by terminals).
public enum MouseButton: Hashable, Sendable {
    case left, middle, right
    case wheelUp, wheelDown
    /// Motion with no button reported (any-motion tracking).
    case none
}

/// One mouse report, in terminal cells (0-based column and row).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case press, release
        /// The pointer moved (with a button held, a drag).
        case motion
    }

    public var kind: Kind
    public var button: MouseButton
    public var column: Int
    public var row: Int
    /// Shift was held (most terminals keep shift-drag for their own selection).
    public var shift: Bool
    /// Ctrl was held.
    public var control: Bool

    public init(_ kind: Kind, _ button: MouseButton, column: Int, row: Int, shift: Bool = false, control: Bool = false) {
        self.kind = kind
        self.button = button
        self.column = column
        self.row = row
        self.shift = shift
        self.control = control
    }
}

/// What the terminal reports: the one input type the apps read, from
/// whichever ``TerminalBackend`` (ncurses, or a script in tests).
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// Text pasted in one piece (a scripted backend; the ncurses backend
    /// delivers a paste as keys).
    case paste(String)
    /// The terminal changed size; the backend's ``TerminalBackend/size`` holds it.
    case resize(width: Int, height: Int)

    /// The key, for an event that is one.
    public var key: Key? {
        if case .key(let key) = self { return key }
        return nil
    }
}
