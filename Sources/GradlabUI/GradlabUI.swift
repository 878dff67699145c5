// Terminal UI building blocks.
