/// A device gradlab computes on: a type, not a string.
///
/// `--device auto|cpu|cuda` is a ``DeviceRequest``; what it resolves to is
/// one of these.
public enum DeviceKind: Hashable, Sendable, CustomStringConvertible {
    /// The CPU SIMD executor (always there).
    case cpu
    /// An NVIDIA GPU through the CUDA driver, by ordinal.
    case cuda(ordinal: Int)

    /// `cpu`, `cuda` (ordinal 0) or `cuda:N`.
    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .cuda(let ordinal): ordinal == 0 ? "cuda" : "cuda:\(ordinal)"
        }
    }
}

/// What `--device` asks for.
public enum DeviceRequest: Hashable, Sendable, CustomStringConvertible {
    /// CUDA when it works, else the CPU (saying why).
    case auto
    case exactly(DeviceKind)

    /// Parses `auto`, `cpu`, `cuda` or `cuda:N`; nil for anything else.
    public init?(_ text: String) {
        switch text {
        case "auto": self = .auto
        case "cpu": self = .exactly(.cpu)
        case "cuda": self = .exactly(.cuda(ordinal: 0))
        default:
            guard text.hasPrefix("cuda:"), let ordinal = Int(text.dropFirst(5)), ordinal >= 0 else { return nil }
            self = .exactly(.cuda(ordinal: ordinal))
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .exactly(let kind): kind.description
        }
    }
}

/// One device as the status bar, the run header and `gradlab devices` show it.
public struct DeviceDescription: Sendable, Equatable {
    public var kind: DeviceKind
    /// What the device is: `cpu: Intel(R) Xeon(R) Processor, AVX-512, 2 cores`.
    public var detail: String
    /// Why this is not the device asked for (auto's fallback), if it is not.
    public var note: String?

    public init(kind: DeviceKind, detail: String, note: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.note = note
    }

    /// The name recorded in run files and events: `cpu`, `cuda`, `cuda:1`.
    public var name: String { kind.description }
}

/// A device's failure, in one line that says what and why (the driver's
/// own error name and text, a compiler's log, the bytes asked for).
public struct DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
