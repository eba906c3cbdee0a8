-- Filetype detection for FlowZap Code (*.fz), by content: the Fuzion language
-- uses .fz too (see lua/flowzap/detect.lua).
require('flowzap.detect').register()
