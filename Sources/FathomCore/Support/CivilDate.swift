/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01),
/// after Howard Hinnant's `days_from_civil` / `civil_from_days`. The one copy used
/// by the core's date formats, the embedded instance's Sonar values and its HTTP dates.
public enum CivilDate {
    /// Days since 1970-01-01 of a year, month (1–12) and day.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month (1–12) and day of a day number.
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days in a month of a year.
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month - 1)]
    }

    /// `a / b` rounded towards negative infinity.
    @inline(__always)
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    /// The day of the week, 0 = Sunday.
    public static func weekday(days: Int64) -> Int {
        Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func httpDate(secondsSince1970 t: Int64) -> String {
        let days = floorDiv(t, 86_400)
        let s = t - days * 86_400
        let (y, m, d) = civil(days: days)
        return "\(weekdayNames[weekday(days: days)]), \(pad2(d)) \(monthNames[Int(m - 1)]) \(y) \(pad2(s / 3600)):\(pad2(s / 60 % 60)):\(pad2(s % 60)) GMT"
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a time in milliseconds since 1970.
    public static func iso8601(millisecondsSince1970 ms: Int64) -> String {
        let seconds = floorDiv(ms, 1000)
        let millis = ms - seconds * 1000
        let days = floorDiv(seconds, 86_400)
        let s = seconds - days * 86_400
        let (y, m, d) = civil(days: days)
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(pad4(y))-\(pad2(m))-\(pad2(d))T\(pad2(s / 3600)):\(pad2(s / 60 % 60)):\(pad2(s % 60)).\(millisText)Z"
    }

    /// Seconds since 1970 of an RFC 9110 HTTP date (IMF-fixdate, RFC 850 or asctime), or nil.
    public static func parseHTTPDate(_ text: String) -> Int64? {
        // Tokens: weekday, then either "DD Mon YYYY HH:MM:SS GMT", "DD-Mon-YY HH:MM:SS GMT" or "Mon D HH:MM:SS YYYY".
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard parts.count >= 4 else { return nil }
        var day: Int64?, month: Int64?, year: Int64?, clock: String?
        if parts.count >= 5, let d = Int64(parts[1]), let m = monthNames.firstIndex(of: parts[2]) {
            (day, month, year, clock) = (d, Int64(m + 1), Int64(parts[3]), parts[4])
        } else if parts[1].contains("-") {
            let dmy = parts[1].split(separator: "-").map(String.init)
            if dmy.count == 3, let d = Int64(dmy[0]), let m = monthNames.firstIndex(of: dmy[1]), let yy = Int64(dmy[2]) {
                (day, month, year, clock) = (d, Int64(m + 1), yy < 100 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy, parts[2])
            }
        } else if parts.count >= 5, let m = monthNames.firstIndex(of: parts[1]), let d = Int64(parts[2]) {
            (day, month, year, clock) = (d, Int64(m + 1), Int64(parts[4]), parts[3])
        }
        guard let day, let month, let year, let clock else { return nil }
        let hms = clock.split(separator: ":").compactMap { Int64($0) }
        guard hms.count == 3, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2])
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
    }

    @inline(__always)
    static func pad2(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    static func pad4(_ v: Int64) -> String {
        v >= 1000 ? "\(v)" : v >= 100 ? "0\(v)" : v >= 10 ? "00\(v)" : v >= 0 ? "000\(v)" : "\(v)"
    }
}
