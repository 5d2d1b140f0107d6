import FoundationEssentials
let d = Data([1, 2, 3])
print(d.count)
