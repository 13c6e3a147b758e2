"""E: a file or a command that cannot be checked at all (exit 2). These are findings like any
other (code, Chinese and English text, hint, documented in docs/rules.md); the one difference
is that they stop the run. ``key`` is the name JSON has always given them (``file_not_found``).
"""

from __future__ import annotations

from perfxl.model import Finding, Rule, declare, finding


def _e(code, key, title, rationale, message, hint, en_title, en_message, en_hint) -> Rule:
    return Rule(code, "error", title, rationale, message, hint, f"key: {key}", "—",
                en=(en_title, en_message, en_hint))


# The JSON ``error.code`` of each rule (a public interface: never renamed). Encrypted files
# were "old_format" before E121 split them from E104, and stay so; ``error.rule`` tells them apart.
KEYS = {
    "E101": "file_not_found", "E102": "is_directory", "E103": "empty_file", "E104": "old_format",
    "E105": "broken_file", "E106": "not_xlsx", "E107": "not_xlsx", "E108": "no_project_sheet",
    "E109": "bad_profile", "E110": "bad_usage", "E111": "bad_usage", "E112": "file_locked",
    "E113": "bad_output", "E114": "would_lose_content", "E115": "write_failed", "E116": "file_exists",
    "E117": "bad_usage", "E118": "unknown_rule", "E119": "too_large", "E120": "bad_xml",
    "E121": "old_format", "E122": "unsupported_format", "E123": "unsupported_format", "E124": "convert_failed",
    "E125": "convert_failed", "E126": "bad_usage", "E127": "bad_usage", "E128": "interrupted",
    "E129": "internal_error",
    "E130": "bad_usage", "E131": "bad_usage", "E132": "file_locked", "E133": "file_exists",
    "E150": "no_such_project", "E151": "bad_usage",
    "E134": "lock_file", "E135": "bad_usage", "E136": "bad_usage",
    "E137": "timeout", "E138": "worker_crashed", "E139": "bad_usage", "E140": "no_workbooks",
    "E160": "upload_too_large", "E161": "too_many_files", "E162": "upload_too_large", "E163": "busy",
    "E164": "no_file", "E165": "expired", "E166": "bad_name", "E167": "bad_upload", "E168": "bad_form",
    "E169": "bad_address",
}

REMOVE_PASSWORD = ("请在 Excel 中输入密码打开文件，点“文件→信息→保护工作簿→用密码进行加密”，清空密码后保存"
                   "（WPS：“文件→文档加密→密码加密”，清空后保存），再重新检查")

DECLARED = declare(
    _e("E101", "file_not_found", "找不到文件", "给出的路径上没有文件。",
       "找不到文件“{path}”", "请检查文件名和所在文件夹",
       "File not found", "File “{path}” was not found", "Check the file name and its folder"),
    _e("E102", "is_directory", "路径是文件夹", "给出的路径是文件夹而不是工作簿。",
       "“{path}”是文件夹，不是工作簿", "请给出 .xlsx 文件的路径",
       "Path is a folder", "“{path}” is a folder, not a workbook", "Give the path of an .xlsx file"),
    _e("E103", "empty_file", "空文件", "文件长度为 0 字节，通常是保存或下载未完成。",
       "文件“{name}”是空文件（0 字节）", "请重新保存或导出工作簿",
       "Empty file", "File “{name}” is empty (0 bytes)", "Save or export the workbook again"),
    _e("E104", "old_format", "无法读取的旧版工作簿",
       "perfxl 按值读取旧版 .xls/.et 文件（BIFF8）；更早的版本（Excel 95 及以前）或已损坏的文件无法读取。",
       "文件“{name}”是旧版 Excel/WPS 格式，但内容已损坏或版本过旧，无法读取",
       "请在 Excel 或 WPS 中打开并“另存为” .xlsx 后再检查",
       "Unreadable legacy workbook", "File “{name}” is in a legacy Excel/WPS format but damaged or too old to read",
       "Open it in Excel or WPS and save it as .xlsx, then check it again"),
    _e("E105", "broken_file", "文件已损坏", "文件不完整或已损坏（常见于下载或复制未完成），无法作为工作簿读取。",
       "文件“{name}”不完整或已损坏，无法作为工作簿读取", "请在 Excel 或 WPS 中打开并重新保存为 .xlsx，或重新下载该文件",
       "Broken file", "File “{name}” is incomplete or damaged and cannot be read as a workbook",
       "Open and save it again as .xlsx in Excel or WPS, or download it again"),
    _e("E106", "not_xlsx", "不是 Excel 工作簿", "文件不是 .xlsx 工作簿（例如 CSV 或其他文件改了扩展名）。",
       "文件“{name}”不是 Excel 工作簿（.xlsx）", "请在 Excel 或 WPS 中打开并另存为 .xlsx 后再检查",
       "Not an Excel workbook", "File “{name}” is not an Excel workbook (.xlsx)",
       "Open it in Excel or WPS and save it as .xlsx"),
    _e("E107", "not_xlsx", "是 Word 文档", "文件是 Word 文档而不是工作簿。",
       "文件“{name}”是 Word 文档，不是 Excel 工作簿", "请给出 .xlsx 文件",
       "A Word document", "File “{name}” is a Word document, not an Excel workbook", "Give an .xlsx file"),
    _e("E108", "no_project_sheet", "没有项目表",
       "工作簿中至少要有一张项目表（含“项目名称”和绩效指标表头，docs/template.md §2）才能检查。",
       "文件“{name}”中没有项目表（含“项目名称”和绩效指标表头“三级指标/年度指标值/得分”的工作表）",
       "请按标准表样填写，或用 perfxl init 生成模板",
       "No project sheet", "File “{name}” has no project sheet (a sheet with a project name label and an indicator table header)",
       "Fill in the standard form, or make a template with perfxl init"),
    _e("E109", "bad_profile", "评分方案有误", "--profile 给出的评分方案文件无法使用。",
       "评分方案有误：{detail}", "请对照默认方案 national-2020.toml 改正",
       "Bad scoring profile", "The scoring profile cannot be used: {detail_en}",
       "Correct it after the default profile national-2020.toml"),
    _e("E110", "bad_usage", "选项冲突", "--in-place 改写输入文件，与另存（-o）或不写（--no-write）互相矛盾。",
       "检查“{name}”时 --in-place 不能与 -o 或 --no-write 同时使用", "只保留其中一个选项",
       "Conflicting options", "Checking “{name}”, --in-place cannot be combined with -o or --no-write",
       "Keep only one of them"),
    _e("E111", "bad_usage", "输出路径与输入相同", "默认绝不改写输入文件。",
       "输出路径与输入文件“{name}”相同", "如确要改写输入文件，请使用 --in-place",
       "Output is the input", "The output path is the input file “{name}”", "Use --in-place to rewrite the input on purpose"),
    _e("E112", "file_locked", "文件正被打开", "Excel/WPS 打开文件时会留下锁文件（~$），此时写入会失败或被覆盖。",
       "“{path}”正被 Excel 或 WPS 打开（存在锁文件 ~$）", "请先关闭该文件再运行",
       "File is open", "“{path}” is open in Excel or WPS (a ~$ lock file exists)", "Close it and run again"),
    _e("E113", "bad_output", "文件夹不存在", "要写入的文件所在的文件夹不存在。",
       "文件夹“{folder}”不存在", "请先创建该文件夹，或换一个位置",
       "Folder does not exist", "Folder “{folder}” does not exist", "Create it first, or choose another place"),
    _e("E114", "would_lose_content", "改写会丢失内容", "输入文件含 perfxl 无法保留的内容（R119），改写输入文件会丢失它们。",
       "该文件含 perfxl 无法保留的内容（{parts}），不能使用 --in-place", "请去掉 --in-place，结果将另存为新文件",
       "Rewriting would lose content", "The file holds content perfxl cannot keep ({parts}); --in-place is refused",
       "Drop --in-place: the result is saved as a new file"),
    _e("E115", "write_failed", "无法写入", "操作系统拒绝写入（文件被打开、文件夹只读或磁盘已满）。",
       "无法写入“{path}”（{reason}）", "请检查文件是否被 Excel/WPS 打开，或文件夹是否可写",
       "Cannot write", "Cannot write “{path}” ({reason})", "Check that the file is not open and the folder is writable"),
    _e("E116", "file_exists", "文件已存在", "perfxl 不覆盖用户已有的文件（perfxl init 的目标、check -o、batch -o 和 review 的复核底稿路径上的其他工作簿）。",
       "文件“{path}”已存在，未覆盖", "换一个文件名，或加 --force 覆盖",
       "File exists", "File “{path}” exists and was not overwritten", "Choose another name, or add --force"),
    _e("E117", "bad_usage", "不是 .xlsx 文件名", "perfxl init 生成 .xlsx 工作簿。",
       "“{path}”不是 .xlsx 文件名", "请用 .xlsx 结尾，例如 {example}",
       "Not an .xlsx name", "“{path}” is not an .xlsx file name", "End it with .xlsx, for example {example}"),
    _e("E118", "unknown_rule", "没有这条规则", "perfxl rules、--select 和 --ignore 只认识目录中的规则代码和规则族字母；写错的代码若被忽略，有错误的工作簿也会显示为没有问题。",
       "没有规则“{code}”", "运行 perfxl rules 查看全部规则代码",
       "No such rule", "There is no rule “{code}”", "Run perfxl rules to list every rule code"),
    _e("E119", "too_large", "超出安全读取范围",
       "读取前先看压缩包目录：解压后的总大小、压缩比、部件数，扫描时再看单元格数和合并区域；"
       "旧版 .xls/.et 看文件大小、单元格记录数和合并区域。"
       "超出上限的文件（例如压缩炸弹）不解析，以免耗尽时间和内存。",
       "文件“{name}”超出 perfxl 可安全读取的范围（{reason}），未读取",
       "请在 Excel 或 WPS 中打开，删除多余的工作表、远处的空白内容或大图片后另存为 .xlsx；如确需检查这么大的工作簿，请拆分为几个文件",
       "Beyond safe limits", "File “{name}” is beyond what perfxl reads safely ({reason_en}); it was not read",
       "Open it in Excel or WPS, delete extra sheets, far-away blank content or large pictures and save it as .xlsx; "
       "split a workbook this large into several files"),
    _e("E120", "bad_xml", "含 DTD/实体声明", "Excel 和 WPS 从不在表格内容中写入 DTD 或实体声明；"
       "这类声明可被用来让读取程序耗尽内存，perfxl 不解析含有它们的文件。",
       "文件“{name}”的表格内容含有 Excel 不会写入的 XML 声明（DTD/实体），未读取",
       "请在 Excel 或 WPS 中打开并重新保存为 .xlsx",
       "DTD or entity declarations", "File “{name}” holds XML declarations (DTD/entities) that Excel never writes; it was not read",
       "Open it in Excel or WPS and save it again as .xlsx"),
    _e("E121", "old_format", "设置了打开密码", "加密（设置了打开密码）的工作簿内容是密文，不输入密码无法读取；perfxl 不索取密码。",
       "文件“{name}”设置了打开密码（已加密），无法读取", REMOVE_PASSWORD,
       "Password-protected workbook", "File “{name}” is protected by a password to open (encrypted) and cannot be read",
       "Open it in Excel with the password, File > Info > Protect Workbook > Encrypt with Password, clear the "
       "password and save (WPS: File > Document Encryption), then check it again"),
    _e("E122", "unsupported_format", "Excel 二进制工作簿（.xlsb）",
       "能读 .xlsb 的库只给出值、不给出数字格式：显示为 95% 的执行率、显示为 2025年9月 的日期会被读成裸数字，"
       "检查会报出文件里没有的问题，所以 perfxl 不直接读取 .xlsb。",
       "文件“{name}”是 Excel 二进制工作簿（.xlsb），perfxl 不直接读取这种格式",
       "请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再检查，或加 --convert 用 LibreOffice 转换后检查",
       "Binary workbook (.xlsb)", "File “{name}” is an Excel binary workbook (.xlsb), which perfxl does not read directly",
       "Save it as an Excel workbook (.xlsx) in Excel, or add --convert to convert it with LibreOffice"),
    _e("E123", "unsupported_format", "OpenDocument 表格（.ods）",
       "能读 .ods 的库只给出值、不给出数字格式，检查会把百分数和日期读错，所以 perfxl 不直接读取 .ods。",
       "文件“{name}”是 OpenDocument 表格（.ods），perfxl 不直接读取这种格式",
       "请在 WPS、Excel 或 LibreOffice 中“另存为” .xlsx 后再检查，或加 --convert 用 LibreOffice 转换后检查",
       "OpenDocument spreadsheet (.ods)", "File “{name}” is an OpenDocument spreadsheet (.ods), which perfxl does not read directly",
       "Save it as .xlsx, or add --convert to convert it with LibreOffice"),
    _e("E124", "convert_failed", "没有安装 LibreOffice", "--convert 用 LibreOffice（soffice）把旧版或其他格式转换为 .xlsx。",
       "文件“{name}”要用 --convert 转换，但本机没有安装 LibreOffice（soffice）",
       "请安装 LibreOffice；或去掉 --convert 直接检查（.xls/.et 将跳过公式检查）；或在 Excel/WPS 中另存为 .xlsx",
       "LibreOffice is not installed", "--convert needs LibreOffice (soffice) to convert “{name}”, and it is not installed",
       "Install LibreOffice, drop --convert, or save the file as .xlsx in Excel/WPS"),
    _e("E125", "convert_failed", "转换失败", "LibreOffice 没能把文件转换为 .xlsx（文件损坏、加密或超时）。",
       "文件“{name}”用 LibreOffice 转换为 .xlsx 失败",
       "请在 Excel 或 WPS 中打开并“另存为” .xlsx 后再检查",
       "Conversion failed", "LibreOffice could not convert “{name}” to .xlsx", "Save it as .xlsx in Excel or WPS"),
    _e("E126", "bad_usage", "不需要转换", "--convert 只用于 .xls、.et、.xlsb、.ods 文件。",
       "文件“{name}”已是 .xlsx，不需要 --convert", "去掉 --convert 再运行",
       "Nothing to convert", "File “{name}” is already an .xlsx", "Run again without --convert"),
    _e("E127", "bad_usage", "旧版文件不能原地改写", "旧版 .xls/.et 的结果只能另存为 .xlsx，不能写回原文件。",
       "文件“{name}”不是 .xlsx，结果不能写回原文件", "去掉 --in-place，结果将另存为 <文件名>.perfxl.xlsx",
       "Cannot rewrite a legacy file", "File “{name}” is not an .xlsx; the result cannot be written into it",
       "Drop --in-place: the result is saved as <name>.perfxl.xlsx"),
    _e("E128", "interrupted", "检查被中断", "运行被 Ctrl-C 或系统信号（SIGTERM）中断；未完成的结果文件已删除。",
       "检查“{name}”时被中断，没有写入任何结果文件", "需要时请重新运行",
       "Interrupted", "The check of “{name}” was interrupted; no result file was written", "Run it again when needed"),
    _e("E129", "internal_error", "内部错误", "perfxl 自身的缺陷（不是文件的问题）；详细信息只在设置 PERFXL_DEBUG=1 时显示。",
       "检查“{name}”时发生内部错误（这是 perfxl 的缺陷，不是文件的问题）",
       "请把该文件和这行信息发给维护者；设置环境变量 PERFXL_DEBUG=1 再运行可看到详细信息",
       "Internal error", "An internal error occurred while checking “{name}” (a perfxl bug, not a problem of the file)",
       "Send the file and this line to the maintainers; set PERFXL_DEBUG=1 to see the details"),
    _e("E130", "bad_usage", "报告路径与输入相同", "perfxl report 绝不改写输入的工作簿。",
       "报告的输出路径与输入文件相同", "请用 -o 指定一个 .docx 文件",
       "Report is the input", "The report's output path is the input file", "Give a .docx file with -o"),
    _e("E131", "bad_usage", "不是 .docx 文件名", "perfxl report 写 Word 文档（.docx）。",
       "“{path}”不是 .docx 文件名", "请用 .docx 结尾，例如 {example}",
       "Not a .docx name", "“{path}” is not a .docx file name", "End it with .docx, for example {example}"),
    _e("E132", "file_locked", "报告正被打开", "Word/WPS 打开文档时会留下锁文件（~$），此时写入会失败或被覆盖。",
       "“{path}”正被 Word 或 WPS 打开（存在锁文件 ~$）", "请先关闭该文件再运行",
       "Report is open", "“{path}” is open in Word or WPS (a ~$ lock file exists)", "Close it and run again"),
    _e("E133", "file_exists", "报告已被编辑", "perfxl 生成的报告被人修改过（Word/WPS 保存时记下了修改者），覆盖会丢失这些修改。",
       "“{path}”已存在，并且在 perfxl 生成后被编辑过，未覆盖", "请用 -o 另存为新文件，或加 --force 覆盖",
       "Report was edited", "“{path}” exists and was edited after perfxl wrote it; it was not overwritten",
       "Write a new file with -o, or add --force to overwrite it"),
    # --explain (docs/template.md §4.1): E150-E151, apart from the numbers above to leave them room
    _e("E150", "no_such_project", "找不到要说明的项目", "--explain 按工作表名、项目名称、序号或名称中唯一的一段找项目。",
       "“{key}”{what}", "请给出工作表名、项目名称或序号 1–{count}（{names}）",
       "No such project", "“{key}” {what_en}", "Give a sheet name, a project name or a number 1–{count} ({names})"),
    _e("E151", "bad_usage", "--explain 不写结果工作簿", "--explain 只输出一个项目的得分推导，不写结果工作簿。",
       "--explain 不能与 -o 或 --in-place 同时使用", "去掉 -o / --in-place；需要结果工作簿时不加 --explain 再运行一次",
       "--explain writes no workbook", "--explain cannot be combined with -o or --in-place",
       "Drop -o / --in-place; run again without --explain for the result workbook"),
    _e("E134", "lock_file", "这是锁文件，不是工作簿",
       "Excel/WPS 打开工作簿时在旁边留下“~$文件名”（LibreOffice 留下“.~lock.文件名#”），关闭后自动删除；它不含表格内容。",
       "“{name}”不是工作簿，而是 {program} 打开“{owner}”时生成的临时锁文件", "请在 {program} 中保存“{owner}”，再检查“{owner}”",
       "A lock file, not a workbook", "“{name}” is not a workbook but the lock file {program} keeps while “{owner}” is open",
       "Save “{owner}” in {program}, then check “{owner}”"),
    _e("E135", "bad_usage", "结果文件名不是工作簿", "结果工作簿是 .xlsx（或带宏的 .xlsm）文件；别的扩展名会让 Excel/WPS 打不开它。",
       "-o “{path}”：结果工作簿只能保存为 .xlsx 或 .xlsm 文件", "请换一个以 .xlsx 结尾的文件名",
       "Result name is not a workbook", "-o “{path}”: the result workbook can only be saved as .xlsx or .xlsm",
       "Use a name ending in .xlsx"),
    _e("E136", "bad_usage", "结果与输入的类型不同", "带宏的 .xlsm 存成 .xlsx（或反之）后 Excel 拒绝打开。",
       "-o “{path}”：输入文件是 {ext}，结果工作簿也必须是 {ext}", "请改用 {ext} 结尾的文件名",
       "Result type differs from the input", "-o “{path}”: the input is {ext}, so the result must be {ext} too",
       "Use a name ending in {ext}"),
    _e("E137", "timeout", "检查超时", "perfxl batch 给每个文件一个时限（--timeout，默认 60 秒）；超过时限的检查被停止，"
       "该文件记为一行“超时”，其余文件照常检查。",
       "检查“{name}”超过 {seconds} 秒仍未完成，已停止（文件可能过大或结构异常）",
       "请单独运行 perfxl check 该文件，或用 --timeout 放宽时限",
       "Timed out", "The check of “{name}” did not finish within {seconds} s and was stopped (the file may be very "
       "large or odd)", "Run perfxl check on it alone, or allow more time with --timeout"),
    _e("E138", "worker_crashed", "检查进程意外退出", "perfxl batch 在工作进程中检查文件；进程意外退出（内存不足、"
       "被系统终止）时，该文件记为一行，其余文件照常检查。",
       "检查“{name}”的工作进程意外退出（{how}，可能是内存不足或文件异常）", "请单独运行 perfxl check 该文件查看",
       "Worker crashed", "The worker checking “{name}” stopped unexpectedly ({how_en}; out of memory, or an odd file)",
       "Run perfxl check on it alone to see more"),
    _e("E139", "bad_usage", "-d 需要 --write-each 或 --review", "-d/--dir 指定各单位结果工作簿或复核底稿的文件夹，"
       "只有写它们（--write-each、--review）时才有意义。",
       "-d/--dir 只能与 --write-each 或 --review 一起使用", "请加上 --write-each 或 --review，或去掉 -d",
       "-d needs --write-each or --review", "-d/--dir goes with --write-each or --review",
       "Add --write-each or --review, or drop -d"),
    _e("E140", "no_workbooks", "没有要检查的工作簿", "perfxl batch 在给出的文件和文件夹中找不到任何工作簿（锁文件、"
       "perfxl 的输出和非工作簿文件都跳过）。",
       "在给出的路径中没有找到要检查的工作簿{skipped}", "请给出 .xlsx 工作簿，或含工作簿的文件夹",
       "No workbooks", "No workbook to check in the paths given{skipped_en}",
       "Give .xlsx workbooks, or folders that hold them"),
    # the web page (perfxl serve): E160-E169, apart from the numbers above to leave them room
    _e("E160", "upload_too_large", "上传的文件太大", "perfxl serve 给每个上传的文件一个大小上限（--max-mb，默认 20 MB），"
       "超过的文件不接收，以免一个文件占满服务器的磁盘和时间；读取时还有与 perfxl check 相同的安全读取范围（E119）。",
       "上传的文件“{name}”超过 {limit}（本页面每个文件的上限），未接收",
       "请删除多余的工作表、远处的空白内容或大图片后另存为 .xlsx 再上传；确需检查这么大的文件时，请在本机运行 perfxl check，"
       "或请管理员用 --max-mb 放宽上限",
       "Upload too large", "The uploaded file “{name}” is larger than {limit} (this page's limit per file); it was "
       "not accepted", "Delete extra sheets, far-away blank content or large pictures and save it as .xlsx again; "
       "check a file this large with perfxl check on your own computer, or ask the administrator for --max-mb"),
    _e("E161", "too_many_files", "一次上传的文件太多", "perfxl serve 限制一次上传的文件数（--max-files，默认 30，"
       ".zip 中的工作簿也计数），以免一次上传占满服务器。",
       "一次上传的文件超过 {limit} 个，未接收", "请分几次上传，每次最多 {limit} 个；或请管理员用 --max-files 放宽上限",
       "Too many files", "More than {limit} files were uploaded at once; none was accepted",
       "Upload them in several goes, at most {limit} at a time, or ask the administrator for --max-files"),
    _e("E162", "upload_too_large", "一次上传的总量太大", "perfxl serve 限制一次上传的总大小（--max-total-mb，默认 100 MB），"
       "超过时停止接收并删除已收到的部分。",
       "本次上传共超过 {limit}（本页面一次上传的上限），未接收",
       "请分几次上传；或请管理员用 --max-total-mb 放宽上限",
       "Upload too large", "This upload is larger than {limit} in all (this page's limit per upload); it was not "
       "accepted", "Upload the files in several goes, or ask the administrator for --max-total-mb"),
    _e("E163", "busy", "服务器正忙", "perfxl serve 同时检查的文件数有上限（--workers 个工作进程，另有 --queue 个排队），"
       "超出时立即回答“正忙”，而不是让所有人一起变慢。",
       "服务器正忙：已有 {active} 个请求在检查或排队，这次没有接收",
       "请过一两分钟再试；常有很多人同时使用时，请管理员用 --workers、--queue 调整",
       "Server busy", "The server is busy: {active} requests are being checked or waiting; this one was not accepted",
       "Try again in a minute or two; if many people use it at once, ask the administrator for --workers and --queue"),
    _e("E164", "no_file", "没有选择工作簿", "表单提交时没有附带工作簿。",
       "没有选择要检查的工作簿", "请点“选择文件”选一个 .xlsx、.xlsm、.xls 或 .et 工作簿（或把它拖到框里），再点“{button}”",
       "No workbook chosen", "No workbook was chosen",
       "Choose an .xlsx, .xlsm, .xls or .et workbook (or drop it on the box), then press “{button_en}”"),
    _e("E165", "expired", "结果已过期", "perfxl serve 只把上传的文件和检查结果保留 --keep 分钟（默认 10），"
       "之后连同下载文件一起删除；下载地址中的编号无法猜出。",
       "这个检查结果不存在或已过期（结果只保留 {minutes} 分钟，之后连同上传的文件一起删除）", "请重新上传工作簿检查",
       "Result expired", "This result does not exist or has expired (results are kept {minutes} minutes, then "
       "deleted with the uploaded files)", "Upload the workbook again"),
    _e("E166", "bad_name", "文件名含有上级目录", "浏览器只发送文件名本身；含“..”的名字是伪造的请求。perfxl serve 从不用"
       "上传的文件名作路径（文件以生成的名字保存），这样的请求直接拒绝。",
       "上传的文件名“{name}”含有上级目录（..），未接收", "请把文件改成普通的文件名（如 2025.xlsx）再上传",
       "Path in the file name", "The uploaded file name “{name}” holds a parent folder (..); it was not accepted",
       "Rename the file to a plain name (such as 2025.xlsx) and upload it again"),
    _e("E167", "bad_upload", "上传的内容不完整", "上传中断，或请求不是页面表单发出的 multipart/form-data。",
       "上传的内容不完整或格式不对，未接收", "请在页面上重新选择文件上传",
       "Broken upload", "The upload was incomplete or not a form upload; it was not accepted",
       "Choose the file on the page and upload it again"),
    _e("E168", "bad_form", "表单的值无效", "生成模板的表单与 perfxl init 的选项有相同的范围（项目数 1–500、年度 2000–2100）。",
       "“{field}”应为 {low}–{high} 的整数，收到“{value}”", "请改正后重新提交",
       "Invalid form value", "“{field_en}” must be a whole number from {low} to {high}, not “{value}”",
       "Correct it and submit again"),
    _e("E169", "bad_address", "网页无法启动", "perfxl serve 要在给出的地址和端口上等待浏览器连接；端口已被别的程序占用，"
       "或地址不属于本机时无法启动。",
       "无法在 {address} 上启动网页（{reason}）", "请换一个端口（--port），或先关闭占用它的程序；--host 应为本机的地址或 0.0.0.0",
       "Cannot start the page", "The page cannot listen on {address} ({reason_en})",
       "Choose another port (--port) or close the program using it; --host must be an address of this computer or 0.0.0.0"),
)


class ReadError(Exception):
    """A file or command that cannot be checked (exit 2), carrying its finding.

    ``ReadError("E101", path=...)``; the JSON key (``file_not_found``) is ``.key``. ``hint``, a
    (Chinese, English) pair, replaces the rule's advice where this case needs other advice.
    """

    def __init__(self, code: str, /, *, hint: tuple[str, str] | None = None, **values):
        self.finding: Finding = finding(code, None, None, **values)
        if hint:
            self.finding.set_hint(*hint)
        self.key = KEYS.get(code, code)
        super().__init__(self.finding.message)

    @property
    def code(self) -> str:
        return self.finding.code

    def line(self, lang: str = "zh") -> str:
        """The one line a user reads: what is wrong and what to do."""
        message, hint = self.finding.text(lang)
        if lang == "en":
            return f"{message}: {hint}."
        return f"{message}：{hint}。"

    @property
    def message(self) -> str:
        return self.line()


Fatal = ReadError
