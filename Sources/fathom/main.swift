import FathomCore
print("fathom")
