import Foundation

/// Axis tick positions and labels.
public enum Ticks {
    /// The smallest step of the form 1, 2 or 5 × 10^k that cuts `span` into
    /// at most `maxCount` intervals.
    public static func niceStep(span: Double, maxCount: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(1, maxCount))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        // A small tolerance so 0.2/1 is 2, not a hair above it.
        let nice: Double = fraction <= 1.000001 ? 1 : fraction <= 2.000001 ? 2 : fraction <= 5.000001 ? 5 : 10
        return nice * magnitude
    }

    /// Ticks at multiples of a nice step inside `range`.
    public static func linear(_ range: ClosedRange<Double>, maxCount: Int) -> (values: [Double], step: Double) {
        let step = niceStep(span: range.upperBound - range.lowerBound, maxCount: maxCount)
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        var values: [Double] = []
        var k = first
        while k * step <= range.upperBound + step * 1e-9, values.count <= maxCount + 1 {
            let value = k * step
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            k += 1
        }
        return (values, step)
    }

    /// Ticks for a log axis, as log10 values: whole decades when the range
    /// holds at least two (thinned to `maxCount`), else nice linear values
    /// inside the range, converted to log10.
    public static func logarithmic(_ range: ClosedRange<Double>, maxCount: Int) -> [Double] {
        let low = (range.lowerBound - 1e-9).rounded(.up), high = (range.upperBound + 1e-9).rounded(.down)
        if high - low >= 1 {
            let decades = Int(high - low) + 1
            let stride = max(1, Int((Double(decades) / Double(max(1, maxCount))).rounded(.up)))
            return Swift.stride(from: low, through: high, by: Double(stride)).map { $0 }
        }
        let linearRange = pow(10, range.lowerBound)...pow(10, range.upperBound)
        return linear(linearRange, maxCount: maxCount).values.filter { $0 > 0 }.map { log10($0) }
    }

    /// The label for a linear tick: as many decimals as the step needs, or
    /// exponent notation for very large or small values.
    public static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || step < 1e-4 {
            return NumberText.compact(value, significantDigits: 3)
        }
        let decimals = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
        return String(format: "%.\(decimals)f", value)
    }

    /// The label for a log tick given as log10 of the value.
    public static func logLabel(_ exponent: Double) -> String {
        let value = pow(10, exponent)
        let whole = exponent.rounded()
        if abs(exponent - whole) < 1e-9, whole >= -4, whole <= 5 {
            return String(format: "%.\(max(0, Int(-whole)))f", value)
        }
        if abs(exponent - whole) < 1e-9 { return "1e\(Int(whole))" }
        return NumberText.compact(value, significantDigits: 2)
    }
}

/// Short number formatting for labels and the status bar.
public enum NumberText {
    /// The one way gradlab writes a number on screen: `significantDigits`
    /// significant digits; plain decimals for magnitudes in [1e-4, 1e6)
    /// (trailing zeros dropped: `0.1`, `1000`, `-0.05623`), else a mantissa
    /// and an exponent without padding (`9.684e-8`, `1.5e6`). Status bar and
    /// legends use ``short(_:)`` (4 digits), the inspector ``long(_:)`` (6).
    public static func compact(_ value: Double, significantDigits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        let digits = max(1, significantDigits)
        // Rounded to the digits first, so 9.99996 is 10 and decides the notation as 10.
        let rounded = Double(String(format: "%.\(digits - 1)e", value)) ?? value
        let magnitude = abs(rounded)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            let exponent = Int((magnitude.log10()).rounded(.down))
            var text = String(format: "%.\(max(0, digits - 1 - exponent))f", rounded)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text == "-0" ? "0" : text
        }
        var text = String(format: "%.\(digits - 1)e", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        var mantissa = String(text[..<e])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        var exponent = String(text[text.index(after: e)...])
        var sign = ""
        if exponent.hasPrefix("-") || exponent.hasPrefix("+") {
            sign = exponent.hasPrefix("-") ? "-" : ""
            exponent.removeFirst()
        }
        while exponent.count > 1, exponent.hasPrefix("0") { exponent.removeFirst() }
        text = "\(mantissa)e\(sign)\(exponent)"
        return text
    }

    /// Four significant digits: the status bar and legends.
    public static func short(_ value: Double) -> String { compact(value, significantDigits: 4) }

    /// Six significant digits: the inspector.
    public static func long(_ value: Double) -> String { compact(value, significantDigits: 6) }

    /// A count with its thousands grouped, as a person reads it:
    /// `100,000,000` points (``compact(_:significantDigits:)`` would say 1e+08).
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A value for a table cell.
    public static func value(_ value: Double, significantDigits: Int = 4) -> String {
        compact(value, significantDigits: significantDigits)
    }
}

private extension Double {
    func log10() -> Double {
        var exponent = 0.0, m = self
        while m >= 10 { m /= 10; exponent += 1 }
        while m < 1 { m *= 10; exponent -= 1 }
        return exponent
    }
}
