/// JSON number text to the nearest Double, read straight from bytes.
///
/// The result is bit for bit what `JSONDecoder` gives for the same text
/// (which is what `strtod` gives: the correctly rounded nearest Double, ties
/// to even), including what it refuses: a value beyond ±1.8e308, and a
/// non-zero value so small it rounds to zero, are not representable.
///
/// Three paths, fastest first (Clinger 1990; Lemire 2021):
/// - up to 2^53 with a power of ten up to 10^22: both are exact Doubles, so
///   one correctly rounded multiply or divide is the answer;
/// - up to 19 significant digits: the Eisel-Lemire algorithm, a 64 × 128-bit
///   product with a truncated power of five (`powersOfFive128`) that is
///   always enough to round correctly (Mushtak and Lemire 2023);
/// - more digits (never written by gradlab): Swift's `Double(String)`, which
///   is `strtod` in the C locale.
enum DecimalNumber {
    /// A number scanned from text.
    struct Scanned {
        /// The nearest Double (±infinity past the range, 0 below it).
        var value: Double
        /// Just past the number's last byte.
        var end: Int
        /// False for values `JSONDecoder` refuses as a Double (out of range).
        var representable: Bool
        /// Digits only: no fraction, no exponent.
        var plainInteger: Bool
        /// The value as an Int when it is exactly one (`1`, `-0`, `1.0`,
        /// `1e2`, `100e-2`), from the text's digits, not from the rounded
        /// Double; nil otherwise (`1.5`, `1e-400`, `9223372036854775808`),
        /// and when the scan was not asked for it.
        var integer: Int?
        /// The value is an integer, but beyond an Int's range
        /// (`99999999999999999999999`, `1e300`), so ``integer`` is nil.
        var integerBeyondInt = false
    }

    /// Why the text is not a JSON number, and where.
    struct Invalid: Error {
        var offset: Int
        var reason: String
    }

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The eight bytes at `p[at]` as the number they write when all are
    /// ASCII digits, else nil: one 64-bit load, tested and converted in
    /// three multiplies (Lemire's SWAR digit parsing, as in fast_float).
    @inline(__always)
    private static func eightDigits(_ p: UnsafePointer<UInt8>, at i: Int) -> UInt64? {
        let chunk = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
        // A byte is a digit when its high nibble is 3 and adding 6 keeps it so.
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        guard (chunk & high) | (((chunk &+ 0x0606_0606_0606_0606) & high) >> 4) == 0x3333_3333_3333_3333 else { return nil }
        var value = chunk &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)  // pairs of digits
        let pairs: UInt64 = 0x0000_00FF_0000_00FF
        return ((value & pairs) &* (100 &+ 1_000_000 << 32) &+ ((value >> 16) & pairs) &* (1 &+ 10_000 << 32)) >> 32
    }

    /// Scans the JSON number that starts at `p[start]` (`-` or a digit) and
    /// ends before `end` or the first byte that cannot continue it; with
    /// `integer`, also its ``Scanned/integer`` (only integer fields ask).
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, from start: Int, end: Int, integer wanted: Bool = false) throws(Invalid) -> Scanned {
        var i = start
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < end, isDigit(p[i]) else {
            throw Invalid(offset: i, reason: negative ? "'-' without digits" : "a number must start with '-' or a digit")
        }
        let digitsStart = i
        var w: UInt64 = 0
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, isDigit(p[i]) { throw Invalid(offset: digitsStart, reason: "a number with a leading zero") }
        } else {
            while i < end, isDigit(p[i]) {
                w = w &* 10 &+ UInt64(p[i] &- 0x30)
                i += 1
            }
        }
        var digitCount = i - digitsStart
        var exponent = 0
        var plain = true
        if i < end, p[i] == UInt8(ascii: ".") {
            plain = false
            i += 1
            let fractionStart = i
            // Recorded numbers have 8 (Float) to 17 (Double) fraction digits: eight at a time.
            while end - i >= 8, let eight = eightDigits(p, at: i) {
                w = w &* 100_000_000 &+ eight
                i += 8
            }
            while i < end, isDigit(p[i]) {
                w = w &* 10 &+ UInt64(p[i] &- 0x30)
                i += 1
            }
            guard i > fractionStart else { throw Invalid(offset: i, reason: "no digits after the decimal point") }
            exponent = fractionStart - i
            digitCount += i - fractionStart
        }
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            plain = false
            i += 1
            var negativeExponent = false
            if i < end, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
                negativeExponent = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end, isDigit(p[i]) else { throw Invalid(offset: i, reason: "no digits in the exponent") }
            var written = 0
            while i < end, isDigit(p[i]) {
                if written < 100_000 { written = written * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            exponent += negativeExponent ? -written : written
        }
        if digitCount > 19 {
            // Leading zeros ("0.000…") are not significant.
            var j = digitsStart
            while j < i, p[j] == UInt8(ascii: "0") || p[j] == UInt8(ascii: ".") {
                if p[j] == UInt8(ascii: "0") { digitCount -= 1 }
                j += 1
            }
            if digitCount > 19 {
                return slow(p, from: start, end: i, plain: plain, integer: wanted, digitsStart: digitsStart, exponent: exponent)
            }
        }
        let magnitude = convert(w, exponent: exponent)
        var result = Scanned(value: negative ? -magnitude : magnitude, end: i,
                             representable: magnitude.isFinite && (magnitude != 0 || w == 0), plainInteger: plain)
        if wanted { (result.integer, result.integerBeyondInt) = integer(w, exponent: exponent, negative: negative) }
        return result
    }

    /// ±`w` × 10^`exponent` as an Int when it is exactly one: `w`'s trailing
    /// zeros pay for a negative exponent, and the result must fit (`beyond`
    /// when it is an integer that does not).
    /// (JSONDecoder's Int goes through a rounded Double first: it reads
    /// `1.00000000000000000001` as 1 and `1e-400` as 0.)
    private static func integer(_ w: UInt64, exponent: Int, negative: Bool) -> (value: Int?, beyond: Bool) {
        if w == 0 { return (0, false) }
        var magnitude = w
        var exponent = exponent
        while exponent < 0 {
            guard magnitude % 10 == 0 else { return (nil, false) }
            magnitude /= 10
            exponent += 1
        }
        while exponent > 0 {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow, product <= 1 << 63 else { return (nil, true) }
            magnitude = product
            exponent -= 1
        }
        if negative { return magnitude == 1 << 63 ? (.min, false) : magnitude < 1 << 63 ? (-Int(magnitude), false) : (nil, true) }
        return magnitude < 1 << 63 ? (Int(magnitude), false) : (nil, true)
    }

    /// `w` × 10^`exponent`, correctly rounded (w has at most 19 digits).
    @inline(__always)
    private static func convert(_ w: UInt64, exponent: Int) -> Double {
        if w == 0 { return 0 }
        if exponent >= -22, exponent <= 22, w <= 1 << 53 {
            let value = Double(w)
            return exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
        }
        return Double(bitPattern: eiselLemire(w, exponent))
    }

    /// The bits of the Double nearest w × 10^q (Lemire's `compute_float`).
    private static func eiselLemire(_ w: UInt64, _ q: Int) -> UInt64 {
        let mantissaBits = 52
        let infinity: UInt64 = 0x7FF << 52
        if q < -342 { return 0 }
        if q > 308 { return infinity }
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << UInt64(leadingZeros)
        let index = 2 * (q + 342)
        var (high, low) = normalized.multipliedFullWidth(by: powersOfFive128[index])
        // 55 bits are needed (52, the hidden bit, and two to round); when the
        // bits below them are all ones the low word of 5^q can carry into them.
        let precisionMask: UInt64 = .max >> 55
        if high & precisionMask == precisionMask {
            let second = normalized.multipliedFullWidth(by: powersOfFive128[index + 1]).high
            low = low &+ second
            if second > low { high &+= 1 }
        }
        let upperBit = Int(high >> 63)
        let shift = upperBit + 64 - mantissaBits - 3
        var mantissa = high >> UInt64(shift)
        // floor(log2(10^q)) + 63, via 217706 / 2^16 ≈ log2(10).
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal: shift into place, round half up on the extra bit.
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << UInt64(mantissaBits)) ? 0 : 1
            return mantissa | (UInt64(power2) << UInt64(mantissaBits))
        }
        // Exactly halfway between two Doubles (possible only for small |q|):
        // round to even rather than up.
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, (mantissa << UInt64(shift)) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << UInt64(mantissaBits)) {
            mantissa = 1 << UInt64(mantissaBits)
            power2 += 1
        }
        mantissa &= ~(1 << UInt64(mantissaBits))
        if power2 >= 0x7FF { return infinity }
        return mantissa | (UInt64(power2) << UInt64(mantissaBits))
    }

    /// More than 19 significant digits: `strtod` (through `Double(String)`).
    /// The mantissa's digits start at `digitsStart`; the value is their
    /// integer times 10^`exponent`.
    private static func slow(_ p: UnsafePointer<UInt8>, from start: Int, end: Int, plain: Bool, integer wanted: Bool,
                             digitsStart: Int, exponent: Int) -> Scanned {
        let negative = p[start] == UInt8(ascii: "-")
        let exact = wanted ? integer(p, digitsStart: digitsStart, end: end, exponent: exponent, negative: negative)
            : (value: nil, beyond: false)
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let value = Double(text) else {
            // Double(String) refuses what strtod flags as out of range.
            return Scanned(value: negative ? -0.0 : 0, end: end, representable: false, plainInteger: plain,
                           integer: exact.value, integerBeyondInt: exact.beyond)
        }
        // Its significant digits are not all zero, so a zero is an underflow.
        return Scanned(value: value, end: end, representable: value.isFinite && value != 0, plainInteger: plain,
                       integer: exact.value, integerBeyondInt: exact.beyond)
    }

    /// A long mantissa as an Int when it is exactly one: without its
    /// leading and trailing zeros, an integer has at most 19 digits.
    private static func integer(_ p: UnsafePointer<UInt8>, digitsStart: Int, end: Int, exponent: Int,
                                negative: Bool) -> (value: Int?, beyond: Bool) {
        var digits: [UInt8] = []
        var j = digitsStart
        while j < end, isDigit(p[j]) || p[j] == UInt8(ascii: ".") {
            if p[j] != UInt8(ascii: "."), p[j] != UInt8(ascii: "0") || !digits.isEmpty { digits.append(p[j] &- 0x30) }
            j += 1
        }
        // The exponent counts every mantissa digit after the last one kept.
        var exponent = exponent
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        // More digits, the last not 0: past 10^19 when no fraction is left.
        guard digits.count <= 19 else { return (nil, exponent >= 0) }
        return integer(digits.reduce(0) { $0 * 10 + UInt64($1) }, exponent: exponent, negative: negative)
    }
}
