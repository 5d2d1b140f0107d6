/// Human sizes, as ptdump prints them: 4K, 2M, 1G.
package enum ByteSize {
    package static func short(_ bytes: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")]
        for (unit, suffix) in units where bytes >= unit && bytes % unit == 0 {
            return String(bytes / unit) + suffix
        }
        for (unit, suffix) in units where bytes >= unit {
            return String(bytes / unit) + suffix
        }
        return String(bytes) + "B"
    }
}
