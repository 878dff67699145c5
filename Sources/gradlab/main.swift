print("gradlab")
