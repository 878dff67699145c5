#if canImport(Glibc)
import Glibc
#endif
import GradlabCore

/// The tutorial's per-epoch lines, one lab each:
/// `Epoch: 1, Train Loss: 0.5180, Test Loss: 0.4833` (linear),
/// `Epoch 1, loss: 8509.98046875` (quadratic), `Epoch 1, mean f: -0.1764` (landscape).
struct EpochTable: Sendable {
    let lab: LabKind
    let total: Int
    /// The epoch the run starts at (a resumed checkpoint's): its start
    /// record is not an epoch's loss (that of the epoch after it, taken
    /// before its step), so the table begins after it, as at epoch 0.
    var first = 0
    let quiet: Bool
    /// The run's: the quadratic's loss is printed as its dtype's shortest text.
    var dtype: DType = .f32

    /// Every epoch up to 1,000 epochs, else about 100 evenly spaced lines and the last.
    func shouldPrint(_ epoch: Int) -> Bool {
        guard !quiet, epoch > first else { return false }
        if total <= 1000 { return true }
        return epoch % (total / 100) == 0 || epoch == total
    }

    func line(_ record: EpochRecord) -> String {
        switch lab {
        case .linear:
            return "Epoch: \(record.epoch), Train Loss: \(fixed(record.trainLoss ?? record.loss, 4)), Test Loss: \(fixed(record.testLoss ?? .nan, 4))"
        case .quadratic:
            return "Epoch \(record.epoch), loss: \(shortest(record.loss, dtype))"
        case .landscape:
            return "Epoch \(record.epoch), mean f: \(fixed(record.loss, 8))"
        }
    }
}

/// The shortest text that reads back as the run's value, as the run file
/// writes it: Float's for an f32 run (`0.49679306`, the tutorial's
/// float32), Double's for f64 (an f64 run's 1e39 printed as Float's `inf`).
func shortest(_ value: Double, _ dtype: DType) -> String {
    dtype == .f32 ? "\(Float(value))" : "\(value)"
}

/// `%.Nf` formatting without Foundation's locale, every digit of the
/// integer part included as Python's `f"{x:.4f}"` prints it (a 64-byte
/// buffer cut 6.39e69 to its first 62 digits, read as 6.39e62).
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    let format = "%.\(digits)f"
    let length = withVaList([value]) { vsnprintf(nil, 0, format, $0) }
    var buffer = [CChar](repeating: 0, count: Int(max(length, 0)) + 1)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A sink printing the epoch table and moving the progress bar.
final class EpochPrinter: EventSink {
    let table: EpochTable
    let progress: ProgressBar

    init(table: EpochTable, progress: ProgressBar) {
        self.table = table
        self.progress = progress
    }

    /// The table prints the loss, not the point summary.
    var readsPointSummaries: Bool { false }

    func receive(_ event: Event, config: LabConfig) {
        switch event {
        case .epoch(let record):
            if table.shouldPrint(record.epoch) {
                progress.clear()
                print(table.line(record))
            }
            progress.update(record.epoch)
        case .divergence(_, let message):
            progress.clear()
            print("diverged: \(message)")
        default:
            break
        }
    }

    func finish(status: String) {}
}
