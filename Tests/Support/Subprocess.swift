#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Child processes for tests, by `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` waits for children through its own SIGCHLD
/// machinery, which was seen to miss the exit of tmux's client (whose server
/// daemonizes) and hang a whole test run; this helper reaps the exact pid.
/// Output goes to temporary files, so no pipe can fill up or be held open by
/// a grandchild.
public enum Subprocess {
    /// A started child.
    public struct Child: Sendable {
        public let pid: pid_t
        let stdoutPath: String?
        let stderrPath: String?

        /// Waits for the child to exit; returns its status (128+N for signal N) and output.
        public func wait() -> ProcessResult {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return ProcessResult(status: exitCode, stdout: read(stdoutPath), stderr: read(stderrPath))
        }

        public func signal(_ number: Int32) {
            kill(pid, number)
        }

        private func read(_ path: String?) -> String {
            guard let path, let data = FileManager.default.contents(atPath: path) else { return "" }
            try? FileManager.default.removeItem(atPath: path)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Starts `arguments[0]` (searched in PATH) with the rest as arguments;
    /// stdin is /dev/null; stdout and stderr are captured unless discarded.
    public static func spawn(_ arguments: [String], captureOutput: Bool = true, environment: [String: String]? = nil) throws -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let stamp = UUID().uuidString
        let out = captureOutput ? NSTemporaryDirectory() + "gradlab-out-\(stamp)" : nil
        let err = captureOutput ? NSTemporaryDirectory() + "gradlab-err-\(stamp)" : nil
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        // Test threads (libdispatch workers) block most signals and a child
        // inherits that mask: a tmux server spawned from one never received
        // SIGCHLD or SIGTERM, ignored kill-server and outlived the run. Start
        // children as a shell would: nothing blocked, default dispositions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, env)
        guard status == 0 else { throw FixtureError("cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
        return Child(pid: pid, stdoutPath: out, stderrPath: err)
    }

    /// Runs to completion.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try spawn(arguments, environment: environment).wait()
    }
}
