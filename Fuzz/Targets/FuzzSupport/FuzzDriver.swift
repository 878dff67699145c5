#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry for programs that have their own `main` (SwiftPM
/// renames an executable's `main`, so libFuzzer's own cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The input handler: set once, before libFuzzer starts calling it.
nonisolated(unsafe) private var handler: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with the process's arguments, calling `test` with each
/// input. `test` fails by trapping (`fatalError`, a precondition): any
/// thrown error is an accepted answer to bad input.
public func fuzz(_ test: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    handler = test
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        handler?(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
        return 0
    }
    exit(status)
}

extension UnsafeRawBufferPointer {
    /// The bytes as text, invalid UTF-8 repaired (what a command-line flag sees).
    public var text: String { String(decoding: self, as: UTF8.self) }
    public var bytes: [UInt8] { Array(self) }
}
