/// SplitMix64: a small, fast random number generator fully determined by its
/// seed. The embedded instance seeds its data with it; runs seed dynamic values
/// with it (`--seed`) so that a run can be repeated exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One well-mixed value from a seed and a counter, without keeping state.
    public static func mix(_ seed: UInt64, _ counter: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (counter &* 0xD6E8_FEB8_6659_FD93))
        return generator.next()
    }
}
