import Foundation

/// A real terminal for end-to-end tests: a tmux server of its own (so tests
/// never touch the user's), one window running bash, driven with send-keys
/// and read with capture-pane.
public final class TmuxSession {
    public let socket: String
    public let name = "gradlab"

    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    }

    /// Starts bash in a `width` × `height` window.
    public init(width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        socket = "gradlab-test-\(UUID().uuidString.prefix(8))"
        var command = "env -i HOME=\(NSHomeDirectory()) PATH=/usr/bin:/bin TERM=tmux-256color LANG=C.UTF-8"
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { command += " \(key)=\(value)" }
        command += " bash --norc --noprofile"
        // The server this starts outlives the call: give it no pipe to hold open.
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", name, command], readOutput: false)
    }

    deinit {
        _ = try? tmux(["kill-server"], readOutput: false)
    }

    /// Types text (tmux key names such as `Enter`, `Escape`, `C-c` are sent as keys).
    public func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    /// Types `text` literally.
    public func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// Pastes `text` as a terminal does: bracketed (ESC[200~ … ESC[201~)
    /// when the program asked for bracketed paste mode.
    public func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "gradlab-paste", text])
        try tmux(["paste-buffer", "-p", "-b", "gradlab-paste", "-t", name])
    }

    /// Types a shell command line and presses Enter.
    public func enter(_ line: String) throws {
        try type(line)
        try send("Enter")
    }

    /// Checks the terminal works normally again (after a program exited):
    /// the shell echoes a typed command and runs it.
    public func expectUsable() throws {
        try enter("echo usable-$((40+2))")
        try waitFor("usable-42")
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The visible screen as text.
    public func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", name])
    }

    /// Polls the screen until `condition` holds, or fails after `timeout` seconds.
    @discardableResult
    public func waitFor(_ what: String, timeout: Double = 10, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw FixtureError("timed out waiting for \(what); screen was:\n\(screen)")
    }

    /// Polls until the screen contains `text`.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    @discardableResult
    private func tmux(_ arguments: [String], readOutput: Bool = true) throws -> String {
        try Subprocess.spawn(["tmux", "-L", socket] + arguments, captureOutput: readOutput).wait().stdout
    }

    /// The value of a tmux format for the window's pane: `#{alternate_on}`
    /// (1 on the alternate screen), `#{cursor_flag}` (1: cursor shown),
    /// `#{mouse_any_flag}` (1: mouse reports on), ...
    public func format(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The process id of the program running in the window's foreground
    /// (the shell's child), for sending it signals.
    public func foregroundChild(named name: String) throws -> Int32? {
        let shell = try tmux(["display-message", "-p", "-t", self.name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let output = try Subprocess.run(["pgrep", "-P", shell, name]).stdout
        return output.split(separator: "\n").first.flatMap { Int32($0) }
    }
}
