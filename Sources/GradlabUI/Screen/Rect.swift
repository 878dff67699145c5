/// A rectangle of cells: origin at the top-left, y grows downward.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// Negative sizes are clamped to zero, so split arithmetic never makes a
    /// rectangle that widgets would have to reject.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }
    public var area: Int { width * height }
    public var description: String { "Rect(\(x),\(y) \(width)x\(height))" }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The overlap of two rectangles (empty, at this origin, when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// This rectangle shrunk by `amount` on every side.
    public func inset(by amount: Int) -> Rect {
        inset(top: amount, left: amount, bottom: amount, right: amount)
    }

    /// This rectangle shrunk by a margin on each side (never below zero size).
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// A rectangle of at most the given size centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// Splits into stacked rows, top to bottom.
    public func rows(_ lengths: [Length]) -> [Rect] {
        Length.split(height, lengths).map { Rect(x: x, y: y + $0.offset, width: width, height: $0.size) }
    }

    /// Splits into side-by-side columns, left to right.
    public func columns(_ lengths: [Length]) -> [Rect] {
        Length.split(width, lengths).map { Rect(x: x + $0.offset, y: y, width: $0.size, height: height) }
    }
}

/// How much of a split a part takes.
public enum Length: Hashable, Sendable {
    /// Exactly this many cells (less if the whole is too small).
    case fixed(Int)
    /// This share of the whole, rounded to the nearest cell.
    case fraction(Double)
    /// Whatever is left, shared evenly among all `.fill` parts.
    case fill

    /// Sizes are granted in order, each clamped to what is left, so the parts
    /// always tile the whole exactly and never overflow it.
    static func split(_ total: Int, _ lengths: [Length]) -> [(offset: Int, size: Int)] {
        var sizes = [Int](repeating: 0, count: lengths.count)
        var left = max(0, total)
        for (i, length) in lengths.enumerated() {
            let wanted: Int
            switch length {
            case .fixed(let n): wanted = max(0, n)
            case .fraction(let f): wanted = max(0, Int((Double(total) * f).rounded()))
            case .fill: continue
            }
            sizes[i] = min(wanted, left)
            left -= sizes[i]
        }
        let fills = lengths.indices.filter { lengths[$0] == .fill }
        for (k, i) in fills.enumerated() {
            sizes[i] = left / fills.count + (k < left % fills.count ? 1 : 0)
        }
        var offset = 0
        return sizes.map { size in
            defer { offset += size }
            return (offset, size)
        }
    }
}
