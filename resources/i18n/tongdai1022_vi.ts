<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>Uses pyVoIP (GNU GPL v3) to read SDP and SIP reason phrases (the SIP stack is its own), Qt for Python — PySide6 (GNU LGPL v3), SQLAlchemy and Alembic (MIT), phonenumbers (Apache 2.0), openpyxl (MIT) and python-docx (MIT).</source>
        <translation>Dùng pyVoIP (GNU GPL v3) để đọc SDP và tên các mã trả lời SIP (bộ SIP do phần mềm tự viết), Qt for Python — PySide6 (GNU LGPL v3), SQLAlchemy và Alembic (MIT), phonenumbers (Apache 2.0), openpyxl (MIT) và python-docx (MIT).</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Thư mục dữ liệu</translation>
    </message>
    <message>
        <source>Log folder</source>
        <translation>Thư mục nhật ký</translation>
    </message>
    <message>
        <source>Make a support bundle…</source>
        <translation>Tạo gói hỗ trợ…</translation>
    </message>
    <message>
        <source>A zip for IT: versions, settings, checks and logs, without personal data or passwords.</source>
        <translation>Một tệp zip cho bộ phận CNTT: phiên bản, cài đặt, kết quả kiểm tra và nhật ký, không có dữ liệu cá nhân hay mật khẩu.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <source>Save the support bundle</source>
        <translation>Lưu gói hỗ trợ</translation>
    </message>
    <message>
        <source>Checking this computer and writing the bundle…</source>
        <translation>Đang kiểm tra máy này và ghi gói hỗ trợ…</translation>
    </message>
    <message>
        <source>Support bundle written: %1. Send this file to IT; it holds no personal data.</source>
        <translation>Đã ghi gói hỗ trợ: %1. Gửi tệp này cho bộ phận CNTT; trong đó không có dữ liệu cá nhân.</translation>
    </message>
    <message>
        <source>Could not write the support bundle (%1). Choose another folder, e.g. Documents.</source>
        <translation>Không ghi được gói hỗ trợ (%1). Hãy chọn thư mục khác, ví dụ Tài liệu (Documents).</translation>
    </message>
    <message>
        <source>1022 Hotline Desk</source>
        <translation>Tổng đài 1022</translation>
    </message>
    <message>
        <source>The desktop of operators of the provincial public-service information hotline 1022: tickets, caller history, offline first.</source>
        <translation>Phần mềm dành cho điện thoại viên của Tổng đài thông tin dịch vụ công 1022 cấp tỉnh: phiếu xử lý, lịch sử người gọi, làm việc được cả khi mất mạng.</translation>
    </message>
    <message>
        <source>Free software under the GNU General Public License, version 3 or later (GPL-3.0-or-later).</source>
        <translation>Phần mềm tự do theo Giấy phép Công cộng GNU, phiên bản 3 hoặc mới hơn (GPL-3.0-or-later).</translation>
    </message>
    <message>
        <source>About 1022 Hotline Desk</source>
        <translation>Giới thiệu Tổng đài 1022</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search code, phone, name, content (no diacritics needed)…  Ctrl+F</source>
        <translation>Tìm mã phiếu, số điện thoại, tên, nội dung (gõ không dấu cũng được)…  Ctrl+F</translation>
    </message>
    <message>
        <source>Search tickets (Ctrl+F or F3); Esc clears the search</source>
        <translation>Tìm phiếu (Ctrl+F hoặc F3); Esc để xóa nội dung tìm</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tất cả</translation>
    </message>
    <message>
        <source>All units</source>
        <translation>Tất cả đơn vị</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Mọi thời gian</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Hôm qua</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 ngày qua</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Tháng này</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Tháng trước</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Năm nay</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Tùy chọn</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Bỏ lọc</translation>
    </message>
    <message>
        <source>Show every ticket again</source>
        <translation>Hiện lại tất cả phiếu</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Cấp độ</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Loại yêu cầu</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Bước</translation>
    </message>
    <message>
        <source>Where the ticket is: received, with a unit (days left), answered, called back, done</source>
        <translation>Phiếu đang ở bước nào: tiếp nhận, đã chuyển đơn vị (còn mấy ngày), đơn vị đã trả lời, đã gọi lại, hoàn thành</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>Play recording</source>
        <translation>Nghe bản ghi</translation>
    </message>
    <message>
        <source>Listen to the selected call's recording (Enter on a call with the play mark)</source>
        <translation>Nghe bản ghi âm của cuộc gọi đang chọn (Enter trên cuộc gọi có dấu phát)</translation>
    </message>
    <message>
        <source>Caller history</source>
        <translation>Lịch sử người gọi</translation>
    </message>
    <message>
        <source>Repeat caller</source>
        <translation>Gọi lại nhiều lần</translation>
    </message>
    <message>
        <source>This number has called or had tickets before</source>
        <translation>Số này đã từng gọi hoặc đã có phiếu</translation>
    </message>
    <message>
        <source>Type a phone number in the form to see the caller&apos;s history.</source>
        <translation>Nhập số điện thoại trong phiếu để xem lịch sử của người gọi.</translation>
    </message>
    <message>
        <source>Known callers: click (or Enter) to fill the phone and name</source>
        <translation>Người gọi đã biết: bấm chuột (hoặc Enter) để điền số điện thoại và họ tên</translation>
    </message>
    <message>
        <source>Last tickets</source>
        <translation>Phiếu gần đây</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Mã phiếu</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Double-click or Enter opens the ticket (Ctrl+H to come here)</source>
        <translation>Nhấp đúp hoặc Enter để mở phiếu (Ctrl+H để chuyển đến đây)</translation>
    </message>
    <message>
        <source>Last calls</source>
        <translation>Cuộc gọi gần đây</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời điểm</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Chiều gọi</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Phiếu</translation>
    </message>
    <message>
        <source>No known caller with this number yet</source>
        <translation>Chưa có người gọi nào với số này</translation>
    </message>
    <message>
        <source>Known callers starting with %1</source>
        <translation>Người gọi có số bắt đầu bằng %1</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(chưa có tên)</translation>
    </message>
    <message>
        <source>(name unknown)</source>
        <translation>(chưa rõ tên)</translation>
    </message>
    <message>
        <source>%1 tickets, %2 in progress</source>
        <translation>%1 phiếu, %2 đang xử lý</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Gọi</translation>
    </message>
    <message>
        <source>Call this number (Ctrl+Shift+D)</source>
        <translation>Gọi số này (Ctrl+Shift+D)</translation>
    </message>
</context>
<context>
    <name>KbPanel</name>
    <message>
        <source>Search procedures: cap lai cccd, gplx b2…  Ctrl+K</source>
        <translation>Tìm thủ tục: cap lai cccd, gplx b2…  Ctrl+K</translation>
    </message>
    <message>
        <source>Type without diacritics if you like; ↑/↓ choose, Enter opens the procedure</source>
        <translation>Gõ không dấu cũng được; ↑/↓ để chọn, Enter để mở thủ tục</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Mã</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Level · field</source>
        <translation>Cấp · lĩnh vực</translation>
    </message>
    <message>
        <source>&amp;Insert into the answer</source>
        <translation>&amp;Chèn vào câu trả lời</translation>
    </message>
    <message>
        <source>Insert a short answer from this procedure into the ticket&apos;s answer</source>
        <translation>Chèn nội dung trả lời ngắn gọn của thủ tục này vào ô trả lời của phiếu</translation>
    </message>
    <message>
        <source>&amp;Link procedure to the ticket</source>
        <translation>&amp;Gắn thủ tục vào phiếu</translation>
    </message>
    <message>
        <source>Mark the ticket as about this administrative procedure and set its code</source>
        <translation>Đánh dấu phiếu liên quan thủ tục hành chính này và điền mã thủ tục</translation>
    </message>
    <message>
        <source>No knowledge base is open.</source>
        <translation>Chưa mở kho thủ tục.</translation>
    </message>
    <message>
        <source>Type a few words of the procedure, a nickname or an abbreviation.</source>
        <translation>Gõ vài chữ trong tên thủ tục, cách gọi thông thường hoặc chữ viết tắt.</translation>
    </message>
    <message>
        <source>Loading the procedures knowledge base…</source>
        <translation>Đang nạp kho thủ tục…</translation>
    </message>
    <message>
        <source>Procedure: %1 (code %2).</source>
        <translation>Thủ tục: %1 (mã %2).</translation>
    </message>
    <message>
        <source>Where: %1.</source>
        <translation>Nơi thực hiện: %1.</translation>
    </message>
    <message>
        <source>deadline not published</source>
        <translation>chưa công bố thời hạn</translation>
    </message>
    <message>
        <source>fee not published</source>
        <translation>chưa công bố lệ phí</translation>
    </message>
    <message>
        <source>fee %1</source>
        <translation>lệ phí %1</translation>
    </message>
    <message>
        <source>Deadline and fee: %1.</source>
        <translation>Thời hạn và lệ phí: %1.</translation>
    </message>
    <message>
        <source>Documents: %1.</source>
        <translation>Hồ sơ gồm: %1.</translation>
    </message>
    <message>
        <source>Result: %1.</source>
        <translation>Kết quả: %1.</translation>
    </message>
    <message>
        <source>%1 results for “%2”</source>
        <translation>%1 kết quả cho “%2”</translation>
    </message>
    <message>
        <source>Nothing found for “%1”. Try other words.</source>
        <translation>Không tìm thấy “%1”. Hãy thử từ khác.</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Tìm kiếm bị lỗi: %1</translation>
    </message>
    <message>
        <source>Could not load the knowledge base: %1</source>
        <translation>Không nạp được kho thủ tục: %1</translation>
    </message>
    <message>
        <source>Q&amp;A</source>
        <translation>Hỏi &amp; đáp</translation>
    </message>
    <message>
        <source>Question and answer</source>
        <translation>Hỏi đáp</translation>
    </message>
    <message>
        <source>Could not open the record: %1</source>
        <translation>Không mở được nội dung: %1</translation>
    </message>
    <message>
        <source>Choose a result (↑/↓ then Enter) to see the procedure here.</source>
        <translation>Chọn một kết quả (↑/↓ rồi Enter) để xem thủ tục tại đây.</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>Cơ quan thực hiện</translation>
    </message>
    <message>
        <source>Where to submit</source>
        <translation>Nơi tiếp nhận hồ sơ</translation>
    </message>
    <message>
        <source>How to submit, deadline and fee</source>
        <translation>Cách thức nộp, thời hạn và lệ phí</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Hình thức nộp</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Thời hạn giải quyết</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>Phí, lệ phí</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Thành phần hồ sơ</translation>
    </message>
    <message>
        <source>Conditions</source>
        <translation>Yêu cầu, điều kiện</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Trình tự thực hiện</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>Căn cứ pháp lý</translation>
    </message>
    <message>
        <source>National public-service portal</source>
        <translation>Cổng Dịch vụ công quốc gia</translation>
    </message>
    <message>
        <source>Related procedures</source>
        <translation>Thủ tục liên quan</translation>
    </message>
    <message>
        <source>%1 original</source>
        <translation>%1 bản chính</translation>
    </message>
    <message>
        <source>%1 copy</source>
        <translation>%1 bản sao</translation>
    </message>
    <message>
        <source>form %1</source>
        <translation>mẫu %1</translation>
    </message>
    <message>
        <source>The best %1 results for “%2”; there may be more: type more words to narrow them</source>
        <translation>%1 kết quả phù hợp nhất cho “%2”; có thể còn nữa: gõ thêm từ để thu hẹp</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <source>The database file of the desk is damaged and cannot be read. Do not delete it: close the desk and ask IT to restore it from the latest backup (the copies named &apos;truoc-nang-cap&apos; beside it).</source>
        <translation>Tệp cơ sở dữ liệu của phần mềm bị hỏng, không đọc được. Đừng xóa tệp: hãy đóng phần mềm và báo bộ phận CNTT khôi phục từ bản sao lưu gần nhất (các bản có tên «truoc-nang-cap» nằm cùng thư mục).</translation>
    </message>
    <message>
        <source>The disk is full, so the desk cannot open its data. Free some disk space and start again.</source>
        <translation>Ổ đĩa đã đầy nên phần mềm không mở được dữ liệu. Hãy giải phóng bớt dung lượng đĩa rồi mở lại.</translation>
    </message>
    <message>
        <source>The desk may not write in its data folder. Ask IT to give this user write access to the folder, then start again.</source>
        <translation>Phần mềm không có quyền ghi vào thư mục dữ liệu. Hãy báo bộ phận CNTT cấp quyền ghi thư mục này cho tài khoản đang dùng, rồi mở lại.</translation>
    </message>
    <message>
        <source>The desk could not open its data (%1). Start again; if it persists, call IT.</source>
        <translation>Phần mềm không mở được dữ liệu (%1). Hãy mở lại; nếu vẫn lỗi, hãy báo bộ phận CNTT.</translation>
    </message>
    <message>
        <source>1022 Hotline Desk</source>
        <translation>Tổng đài 1022</translation>
    </message>
    <message>
        <source>The desk is already open on this computer with this data folder. Switch to the open window (look in the taskbar).</source>
        <translation>Phần mềm Tổng đài 1022 đang mở trên máy này với cùng thư mục dữ liệu. Hãy chuyển sang cửa sổ đang mở (xem trên thanh tác vụ).</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>Thư mục dữ liệu: %1</translation>
    </message>
    <message>
        <source>The key kept for the data on this computer does not open it (was the data folder copied from another computer?). The data cannot be read without its own key; what was synced is still on the central server. Ask IT.</source>
        <translation>Khóa lưu cho dữ liệu trên máy này không mở được dữ liệu (thư mục dữ liệu có được chép từ máy khác không?). Thiếu đúng khóa thì không đọc được dữ liệu; phần đã đồng bộ vẫn còn trên máy chủ. Hãy báo bộ phận CNTT.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Sort by &amp;days left</source>
        <translation>Xếp theo số &amp;ngày còn lại</translation>
    </message>
    <message>
        <source>The forwarded tickets by working days left, overdue first; again: newest first</source>
        <translation>Phiếu đã chuyển đơn vị theo số ngày làm việc còn lại, quá hạn lên đầu; nhấn lần nữa: mới nhất lên đầu</translation>
    </message>
    <message>
        <source>1022 Hotline Desk</source>
        <translation>Tổng đài 1022</translation>
    </message>
    <message>
        <source>Caller history</source>
        <translation>Lịch sử người gọi</translation>
    </message>
    <message>
        <source>Administrative procedures</source>
        <translation>Thủ tục hành chính</translation>
    </message>
    <message>
        <source>The caller&apos;s tickets and calls (Ctrl+H)</source>
        <translation>Phiếu và cuộc gọi của người gọi (Ctrl+H)</translation>
    </message>
    <message>
        <source>Search procedures and answers (Ctrl+K)</source>
        <translation>Tra cứu thủ tục và câu trả lời mẫu (Ctrl+K)</translation>
    </message>
    <message>
        <source>Enter or double-click opens the ticket; Alt+↓ / Alt+↑ next / previous</source>
        <translation>Enter hoặc nhấp đúp để mở phiếu; Alt+↓ / Alt+↑ sang phiếu sau / trước</translation>
    </message>
    <message>
        <source>Operator: %1</source>
        <translation>Điện thoại viên: %1</translation>
    </message>
    <message>
        <source>Switchboard: not configured</source>
        <translation>Tổng đài: chưa cấu hình</translation>
    </message>
    <message>
        <source>Sync: not configured</source>
        <translation>Đồng bộ: chưa cấu hình</translation>
    </message>
    <message>
        <source>E&amp;xit</source>
        <translation>&amp;Thoát</translation>
    </message>
    <message>
        <source>Close the desk</source>
        <translation>Đóng phần mềm</translation>
    </message>
    <message>
        <source>Ne&amp;xt ticket</source>
        <translation>Phiếu &amp;sau</translation>
    </message>
    <message>
        <source>Open the next ticket in the list</source>
        <translation>Mở phiếu kế tiếp trong danh sách</translation>
    </message>
    <message>
        <source>&amp;Previous ticket</source>
        <translation>Phiếu &amp;trước</translation>
    </message>
    <message>
        <source>Open the previous ticket in the list</source>
        <translation>Mở phiếu liền trước trong danh sách</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Tìm kiếm</translation>
    </message>
    <message>
        <source>Go to the search box</source>
        <translation>Chuyển đến ô tìm kiếm</translation>
    </message>
    <message>
        <source>&amp;Clear search</source>
        <translation>&amp;Xóa tìm kiếm</translation>
    </message>
    <message>
        <source>Clear the search text</source>
        <translation>Xóa nội dung đang tìm</translation>
    </message>
    <message>
        <source>&amp;Refresh list</source>
        <translation>&amp;Làm mới danh sách</translation>
    </message>
    <message>
        <source>Reload the ticket list</source>
        <translation>Tải lại danh sách phiếu</translation>
    </message>
    <message>
        <source>&amp;Phone field</source>
        <translation>Ô số đ&amp;iện thoại</translation>
    </message>
    <message>
        <source>Go to the phone number</source>
        <translation>Chuyển đến ô số điện thoại</translation>
    </message>
    <message>
        <source>Caller &amp;history</source>
        <translation>Lịch sử người &amp;gọi</translation>
    </message>
    <message>
        <source>Go to the caller&apos;s history</source>
        <translation>Chuyển đến lịch sử người gọi</translation>
    </message>
    <message>
        <source>&amp;Procedures</source>
        <translation>&amp;Thủ tục hành chính</translation>
    </message>
    <message>
        <source>Search the administrative procedures</source>
        <translation>Tra cứu thủ tục hành chính</translation>
    </message>
    <message>
        <source>Ticket &amp;list</source>
        <translation>&amp;Danh sách phiếu</translation>
    </message>
    <message>
        <source>Go to the ticket list</source>
        <translation>Chuyển đến danh sách phiếu</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Phím tắt</translation>
    </message>
    <message>
        <source>Show every shortcut</source>
        <translation>Xem tất cả phím tắt</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Giới thiệu</translation>
    </message>
    <message>
        <source>Version and licence</source>
        <translation>Phiên bản và giấy phép</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Tệp</translation>
    </message>
    <message>
        <source>&amp;Ticket</source>
        <translation>&amp;Phiếu</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Xem</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Trợ &amp;giúp</translation>
    </message>
    <message>
        <source>Counting tickets…</source>
        <translation>Đang đếm phiếu…</translation>
    </message>
    <message>
        <source>%1 tickets</source>
        <translation>%1 phiếu</translation>
    </message>
    <message>
        <source>Could not count tickets: %1</source>
        <translation>Không đếm được số phiếu: %1</translation>
    </message>
    <message>
        <source>Could not load the ticket list: %1</source>
        <translation>Không tải được danh sách phiếu: %1</translation>
    </message>
    <message>
        <source>Saved ticket %1</source>
        <translation>Đã lưu phiếu %1</translation>
    </message>
    <message>
        <source>Inserted into the ticket&apos;s answer</source>
        <translation>Đã chèn vào câu trả lời của phiếu</translation>
    </message>
    <message>
        <source>Linked procedure %1 to the ticket</source>
        <translation>Đã gắn thủ tục %1 vào phiếu</translation>
    </message>
    <message>
        <source>An import is running: stop it (nothing is imported) or wait for it, then close.</source>
        <translation>Đang nhập phiếu: hãy dừng (không phiếu nào được nhập) hoặc chờ nhập xong rồi mới đóng.</translation>
    </message>
</context>
<context>
    <name>ImportDesk</name>
    <message>
        <source>&amp;Import tickets from a CSV file…</source>
        <translation>&amp;Nhập phiếu từ tệp CSV…</translation>
    </message>
    <message>
        <source>Add the tickets of a CSV file (historical tickets) to this desk; all or nothing</source>
        <translation>Thêm các phiếu của một tệp CSV (phiếu cũ) vào máy này; nhập tất cả hoặc không nhập phiếu nào</translation>
    </message>
    <message>
        <source>Import tickets from a CSV file</source>
        <translation>Nhập phiếu từ tệp CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Tệp CSV (*.csv)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Importing tickets</source>
        <translation>Đang nhập phiếu</translation>
    </message>
    <message>
        <source>Reading «%1»…</source>
        <translation>Đang đọc «%1»…</translation>
    </message>
    <message>
        <source>&amp;Stop (nothing is imported)</source>
        <translation>&amp;Dừng (không nhập phiếu nào)</translation>
    </message>
    <message>
        <source>%1 rows read, %2 tickets ready to import</source>
        <translation>Đã đọc %1 dòng, %2 phiếu sẵn sàng để nhập</translation>
    </message>
    <message>
        <source>%1 bad rows so far: nothing will be imported</source>
        <translation>Đã gặp %1 dòng lỗi: sẽ không nhập phiếu nào</translation>
    </message>
    <message>
        <source>Stopping: undoing what was read…</source>
        <translation>Đang dừng: hủy những gì đã đọc…</translation>
    </message>
    <message>
        <source>Imported %1 tickets.</source>
        <translation>Đã nhập %1 phiếu.</translation>
    </message>
    <message>
        <source>%1 tickets were already on this desk and were left as they are.</source>
        <translation>%1 phiếu đã có sẵn trên máy này, được giữ nguyên.</translation>
    </message>
    <message>
        <source>The file has only its header line: no tickets in it.</source>
        <translation>Tệp chỉ có dòng tiêu đề, không có phiếu nào.</translation>
    </message>
    <message>
        <source>Note: %1 tickets have a phone number not yet in the carriers&apos; number plan (lines %2). They were imported; read the number back to the citizen before calling it.</source>
        <translation>Lưu ý: %1 phiếu có số điện thoại chưa có trong danh bạ nhà mạng (dòng %2). Các phiếu này đã được nhập bình thường; hãy đọc lại số với người dân trước khi gọi.</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>Nhập phiếu xong</translation>
    </message>
    <message>
        <source>Import stopped</source>
        <translation>Đã dừng nhập phiếu</translation>
    </message>
    <message>
        <source>The import was stopped: no ticket was imported. Start it again when you are ready.</source>
        <translation>Đã dừng nhập: không phiếu nào được nhập. Hãy nhập lại khi sẵn sàng.</translation>
    </message>
    <message>
        <source>The file cannot be imported</source>
        <translation>Không nhập được tệp</translation>
    </message>
    <message>
        <source>%1

No ticket was imported.</source>
        <translation>%1

Không phiếu nào được nhập.</translation>
    </message>
    <message>
        <source>The import failed</source>
        <translation>Nhập phiếu không thành công</translation>
    </message>
    <message>
        <source>The tickets could not be written (%1). No ticket was imported. Try again; if it persists, call IT.</source>
        <translation>Không ghi được các phiếu (%1). Không phiếu nào được nhập. Hãy thử lại; nếu vẫn lỗi, hãy báo bộ phận CNTT.</translation>
    </message>
    <message>
        <source>%1 of the file&apos;s %2 ticket rows are wrong, so no ticket was imported:</source>
        <translation>Tệp có %1 dòng lỗi (trong %2 dòng phiếu) nên không phiếu nào được nhập:</translation>
    </message>
    <message>
        <source>… and %1 more (Show Details…)</source>
        <translation>… và %1 lỗi khác (bấm «Xem chi tiết...»)</translation>
    </message>
    <message>
        <source>Correct these lines in the file (line 1 is the header), save it as CSV UTF-8 and import it again.</source>
        <translation>Hãy sửa các dòng này trong tệp (dòng 1 là dòng tiêu đề), lưu lại dạng «CSV UTF-8» rồi nhập lại.</translation>
    </message>
    <message>
        <source>Nothing imported: wrong rows</source>
        <translation>Không nhập phiếu nào: tệp có dòng lỗi</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Phím tắt</translation>
    </message>
    <message>
        <source>Everything an operator does during a call has a key:</source>
        <translation>Mọi thao tác trong khi nghe cuộc gọi đều có phím tắt:</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Thao tác</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Phím</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Ringing pop-up: answer (a new ticket linked to the call opens)</source>
        <translation>Cửa sổ cuộc gọi đến: nghe máy (mở phiếu mới gắn với cuộc gọi)</translation>
    </message>
    <message>
        <source>Ringing pop-up: reject</source>
        <translation>Cửa sổ cuộc gọi đến: từ chối</translation>
    </message>
    <message>
        <source>Ringing pop-up: choose a past call, play or stop its recording</source>
        <translation>Cửa sổ cuộc gọi đến: chọn một cuộc gọi trước, nghe hoặc dừng bản ghi âm của nó</translation>
    </message>
    <message>
        <source>After a call (wrap-up): ticket created, information given, wrong number, silent, prank</source>
        <translation>Sau cuộc gọi (kết thúc): đã tạo phiếu, đã cung cấp thông tin, nhầm số, im lặng, quấy rối</translation>
    </message>
    <message>
        <source>Callback queue: call the selected citizen back</source>
        <translation>Danh sách gọi lại: gọi lại cho người dân đang chọn</translation>
    </message>
    <message>
        <source>Callback queue: reached, no answer, busy, wrong number</source>
        <translation>Danh sách gọi lại: đã liên lạc được, không nghe máy, máy bận, nhầm số</translation>
    </message>
    <message>
        <source>Callback queue: again in one hour / tomorrow at 8:00</source>
        <translation>Danh sách gọi lại: gọi lại sau 1 giờ / 8:00 sáng mai</translation>
    </message>
    <message>
        <source>Surveys: call the citizen</source>
        <translation>Khảo sát: gọi cho người dân</translation>
    </message>
    <message>
        <source>Surveys: satisfied / dissatisfied (then the reason 1…6)</source>
        <translation>Khảo sát: hài lòng / không hài lòng (rồi chọn lý do 1…6)</translation>
    </message>
    <message>
        <source>Surveys: no answer this time / the citizen does not respond</source>
        <translation>Khảo sát: lần này không nghe máy / người dân không phản hồi</translation>
    </message>
    <message>
        <source>Supervisor dashboard: close</source>
        <translation>Bảng điều khiển giám sát: đóng</translation>
    </message>
</context>
<context>
    <name>TicketForm</name>
    <message>
        <source>Returned by the unit: %1 Forward it to the competent unit (Ctrl+Shift+U).</source>
        <translation>Đơn vị trả lại phiếu: %1 Hãy chuyển cho đơn vị có thẩm quyền (Ctrl+Shift+U).</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Chưa lưu thay đổi</translation>
    </message>
    <message>
        <source>The ticket has unsaved changes. Save them?</source>
        <translation>Phiếu có thay đổi chưa lưu. Lưu lại không?</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>&amp;New ticket</source>
        <translation>Phiếu &amp;mới</translation>
    </message>
    <message>
        <source>Start a new ticket</source>
        <translation>Bắt đầu một phiếu mới</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Lưu</translation>
    </message>
    <message>
        <source>Save the ticket</source>
        <translation>Lưu phiếu</translation>
    </message>
    <message>
        <source>&amp;Resolved</source>
        <translation>Đã &amp;xử lý xong</translation>
    </message>
    <message>
        <source>Mark the ticket resolved and save it</source>
        <translation>Đánh dấu phiếu đã xử lý xong và lưu</translation>
    </message>
    <message>
        <source>Level %1</source>
        <translation>Cấp độ %1</translation>
    </message>
    <message>
        <source>Set the ticket level to %1</source>
        <translation>Đặt cấp độ phiếu là %1</translation>
    </message>
    <message>
        <source>Caller&apos;s phone number (F2 or Ctrl+L)</source>
        <translation>Số điện thoại người gọi (F2 hoặc Ctrl+L)</translation>
    </message>
    <message>
        <source>Commune / ward, province</source>
        <translation>Xã / phường, tỉnh</translation>
    </message>
    <message>
        <source>Ticket level (Ctrl+1 … Ctrl+4)</source>
        <translation>Cấp độ phiếu (Ctrl+1 … Ctrl+4)</translation>
    </message>
    <message>
        <source>Related</source>
        <translation>Có liên quan</translation>
    </message>
    <message>
        <source>Type to search, e.g. tan hong</source>
        <translation>Gõ để tìm, ví dụ: tan hong</translation>
    </message>
    <message>
        <source>What the citizen asks or reports</source>
        <translation>Người dân hỏi hoặc phản ánh điều gì</translation>
    </message>
    <message>
        <source>Answer given or result from the unit</source>
        <translation>Nội dung đã trả lời hoặc kết quả đơn vị gửi về</translation>
    </message>
    <message>
        <source>Ask the citizen whether the question and answer may be published (Decision 31/2021)</source>
        <translation>Hỏi người dân có đồng ý công khai câu hỏi và trả lời không (Quyết định 31/2021/QĐ-TTg)</translation>
    </message>
    <message>
        <source>The question rewritten for the public page: no name, number or address</source>
        <translation>Câu hỏi viết lại để công khai: không ghi họ tên, số điện thoại, địa chỉ</translation>
    </message>
    <message>
        <source>The answer rewritten for the public page: no name, number or address</source>
        <translation>Trả lời viết lại để công khai: không ghi họ tên, số điện thoại, địa chỉ</translation>
    </message>
    <message>
        <source>Publish the answer</source>
        <translation>Công khai trả lời</translation>
    </message>
    <message>
        <source>Question as published</source>
        <translation>Câu hỏi công khai</translation>
    </message>
    <message>
        <source>Answer as published</source>
        <translation>Trả lời công khai</translation>
    </message>
    <message>
        <source>Phone number</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Caller name</source>
        <translation>Họ tên người gọi</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kênh tiếp nhận</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <source>Received at</source>
        <translation>Ngày tiếp nhận</translation>
    </message>
    <message>
        <source>Request type</source>
        <translation>Loại yêu cầu</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Cấp độ</translation>
    </message>
    <message>
        <source>Administrative procedure (TTHC code)</source>
        <translation>Thủ tục hành chính (mã TTHC)</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Lĩnh vực</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>Đơn vị xử lý</translation>
    </message>
    <message>
        <source>Deadline (working days)</source>
        <translation>Hạn xử lý (ngày làm việc)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Request content</source>
        <translation>Nội dung yêu cầu</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Nội dung trả lời</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>Đánh giá</translation>
    </message>
    <message>
        <source>Reason for dissatisfaction</source>
        <translation>Lý do không hài lòng</translation>
    </message>
    <message>
        <source>Could not read the catalogs: %1</source>
        <translation>Không đọc được danh mục: %1</translation>
    </message>
    <message>
        <source>New ticket</source>
        <translation>Phiếu mới</translation>
    </message>
    <message>
        <source>Still loading the catalogs, try again in a moment.</source>
        <translation>Đang tải danh mục, vui lòng thử lại sau giây lát.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Đang lưu…</translation>
    </message>
    <message>
        <source>Choose a unit from the list.</source>
        <translation>Hãy chọn đơn vị trong danh sách.</translation>
    </message>
    <message>
        <source>Ticket %1 · version %2</source>
        <translation>Phiếu %1 · phiên bản %2</translation>
    </message>
    <message>
        <source>(same day)</source>
        <translation>(trong ngày)</translation>
    </message>
    <message>
        <source>Please correct the marked fields.</source>
        <translation>Vui lòng sửa các ô được đánh dấu đỏ.</translation>
    </message>
    <message>
        <source>Saved ticket %1.</source>
        <translation>Đã lưu phiếu %1.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Chưa lưu được: %1</translation>
    </message>
    <message>
        <source>Not saved because of an unexpected error (%1). What you typed is still here; try again.</source>
        <translation>Chưa lưu được do lỗi không lường trước (%1). Nội dung đã nhập vẫn còn nguyên; hãy thử lưu lại.</translation>
    </message>
    <message>
        <source>Could not open the ticket: %1</source>
        <translation>Không mở được phiếu: %1</translation>
    </message>
    <message>
        <source>Ticket %1 had been changed elsewhere meanwhile; your changes were added to it and saved.</source>
        <translation>Phiếu %1 vừa được sửa ở nơi khác; thay đổi của bạn đã được gộp vào và lưu.</translation>
    </message>
    <message>
        <source>Ticket %1 was changed elsewhere meanwhile (%2). Your text is kept here and not saved yet: check it, then save again (Ctrl+S).</source>
        <translation>Phiếu %1 vừa được sửa ở nơi khác (%2). Nội dung bạn nhập vẫn giữ nguyên ở đây nhưng chưa lưu: hãy xem lại rồi lưu lần nữa (Ctrl+S).</translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <source>Waiting to be forwarded to the unit</source>
        <translation>Chờ gửi chuyển đơn vị</translation>
    </message>
    <message>
        <source>Forward refused: forward again</source>
        <translation>Chuyển đơn vị bị từ chối: chuyển lại</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Mã phiếu</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ngày tiếp nhận</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>Người gọi</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <source>Request type</source>
        <translation>Loại yêu cầu</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Cấp độ</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>Đơn vị xử lý</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Hạn xử lý</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Bước</translation>
    </message>
    <message>
        <source>%1 days left</source>
        <translation>Còn %1 ngày</translation>
    </message>
    <message>
        <source>due today</source>
        <translation>Hết hạn hôm nay</translation>
    </message>
    <message>
        <source>%1 days late</source>
        <translation>Quá hạn %1 ngày</translation>
    </message>
    <message>
        <source>A forwarded ticket's days left to its deadline are working days (holidays skipped). Click to sort by days left: overdue first; click again for the most days left first.</source>
        <translation>Số ngày còn lại đến hạn của phiếu đã chuyển đơn vị là ngày làm việc (không tính ngày nghỉ, lễ). Bấm để xếp theo số ngày còn lại: quá hạn lên đầu; bấm lần nữa để phiếu còn nhiều ngày nhất lên đầu.</translation>
    </message>
</context>
<context>
    <name>SyncConflictView</name>
    <message>
        <source>Conflicts to settle</source>
        <translation>Xung đột cần giải quyết</translation>
    </message>
    <message>
        <source>No conflicts: every change has been merged.</source>
        <translation>Không có xung đột: mọi thay đổi đã được gộp.</translation>
    </message>
    <message>
        <source>Keep the version on the ticket</source>
        <translation>Giữ bản đang có trên phiếu</translation>
    </message>
    <message>
        <source>Keep the other version</source>
        <translation>Giữ bản còn lại</translation>
    </message>
    <message>
        <source>Save the edited text</source>
        <translation>Lưu nội dung đã sửa</translation>
    </message>
    <message>
        <source>On the ticket (server)</source>
        <translation>Trên phiếu (máy chủ)</translation>
    </message>
    <message>
        <source>The other version</source>
        <translation>Bản còn lại</translation>
    </message>
    <message>
        <source>Or write the text to keep</source>
        <translation>Hoặc viết lại nội dung cần giữ</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Trả lời</translation>
    </message>
    <message>
        <source>Caller&apos;s name</source>
        <translation>Tên người gọi</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
</context>
<context>
    <name>SyncLoginDialog</name>
    <message>
        <source>Sign in to the central server</source>
        <translation>Đăng nhập máy chủ trung tâm</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Địa chỉ máy chủ</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>This computer has no password store (keyring): the password is kept for this session only, never written to disk, and asked again next time.</source>
        <translation>Máy này không có kho mật khẩu (keyring): mật khẩu chỉ được giữ trong phiên làm việc này, không ghi xuống đĩa, và sẽ được hỏi lại lần sau.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Work offline</source>
        <translation>Làm việc ngoại tuyến</translation>
    </message>
    <message>
        <source>Enter the server address, your user name and your password.</source>
        <translation>Hãy nhập địa chỉ máy chủ, tên đăng nhập và mật khẩu.</translation>
    </message>
</context>
<context>
    <name>SyncStatusPresenter</name>
    <message>
        <source>Sync: online</source>
        <translation>Đồng bộ: trực tuyến</translation>
    </message>
    <message>
        <source>Sync: offline</source>
        <translation>Đồng bộ: ngoại tuyến</translation>
    </message>
    <message>
        <source>%1 waiting to send</source>
        <translation>%1 thay đổi chờ gửi</translation>
    </message>
    <message>
        <source>last at %1</source>
        <translation>lần cuối %1</translation>
    </message>
    <message>
        <source>%1 conflicts to settle</source>
        <translation>%1 xung đột cần giải quyết</translation>
    </message>
    <message>
        <source>%1 refused by the server</source>
        <translation>%1 thay đổi bị máy chủ từ chối</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Tickets are saved on this computer first.</source>
        <translation>Phiếu luôn được lưu trên máy này trước.</translation>
    </message>
</context>
<context>
    <name>SyncDesk</name>
    <message>
        <source>&amp;Sign in to the server…</source>
        <translation>Đăng &amp;nhập máy chủ…</translation>
    </message>
    <message>
        <source>Sync &amp;now</source>
        <translation>Đồng &amp;bộ ngay</translation>
    </message>
    <message>
        <source>&amp;Conflicts to settle…</source>
        <translation>&amp;Xung đột cần xử lý…</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Máy chủ</translation>
    </message>
    <message>
        <source>Sync: not configured</source>
        <translation>Đồng bộ: chưa cài đặt máy chủ</translation>
    </message>
    <message>
        <source>Server ▸ Sign in to the server… connects this desk.</source>
        <translation>Vào Máy chủ ▸ Đăng nhập máy chủ… để nối máy này với máy chủ.</translation>
    </message>
    <message>
        <source>Sync: connecting to %1…</source>
        <translation>Đồng bộ: đang kết nối %1…</translation>
    </message>
    <message>
        <source>Syncing with the server…</source>
        <translation>Đang đồng bộ với máy chủ…</translation>
    </message>
    <message>
        <source>Could not save the server address: %1</source>
        <translation>Không lưu được địa chỉ máy chủ: %1</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>Đã đăng nhập: %1</translation>
    </message>
    <message>
        <source>Sync: cannot start (%1)</source>
        <translation>Đồng bộ: không khởi động được (%1)</translation>
    </message>
    <message>
        <source>Connect this desk to the central server</source>
        <translation>Nối máy này với máy chủ trung tâm</translation>
    </message>
    <message>
        <source>Send the changes waiting here and fetch the other desks&apos; now</source>
        <translation>Gửi ngay các thay đổi đang chờ và nhận thay đổi của các máy khác</translation>
    </message>
    <message>
        <source>Texts two people changed at once: choose the one to keep</source>
        <translation>Nội dung hai người cùng sửa một lúc: chọn bản cần giữ</translation>
    </message>
    <message>
        <source>Changes &amp;refused by the server…</source>
        <translation>Thay đổi bị máy chủ &amp;từ chối…</translation>
    </message>
    <message>
        <source>Changes the server did not apply, with its reason</source>
        <translation>Các thay đổi máy chủ không áp dụng, kèm lý do</translation>
    </message>
</context>
<context>
    <name>SyncRefusalsView</name>
    <message>
        <source>Changes refused by the server</source>
        <translation>Thay đổi bị máy chủ từ chối</translation>
    </message>
    <message>
        <source>The server did not apply these changes. They are still saved on this computer; the reason says what to do.</source>
        <translation>Máy chủ không áp dụng các thay đổi này. Chúng vẫn được lưu trên máy này; lý do cho biết cần làm gì.</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Phiếu</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Thay đổi</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>Refused at</source>
        <translation>Lúc từ chối</translation>
    </message>
    <message>
        <source>The server has refused no change.</source>
        <translation>Máy chủ chưa từ chối thay đổi nào.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>new ticket</source>
        <translation>phiếu mới</translation>
    </message>
    <message>
        <source>imported ticket</source>
        <translation>phiếu nhập từ tệp</translation>
    </message>
    <message>
        <source>edit</source>
        <translation>sửa phiếu</translation>
    </message>
    <message>
        <source>resolution</source>
        <translation>kết thúc phiếu</translation>
    </message>
    <message>
        <source>conflict choice</source>
        <translation>chọn bản khi xung đột</translation>
    </message>
</context>
<context>
    <name>CallControls</name>
    <message>
        <source>Hang up (F12)</source>
        <translation>Gác máy (F12)</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Tắt micrô</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>Giữ máy</translation>
    </message>
    <message>
        <source>Hold is not available yet with this switchboard connection.</source>
        <translation>Chưa giữ máy được với kết nối tổng đài này.</translation>
    </message>
    <message>
        <source>calling…</source>
        <translation>đang gọi…</translation>
    </message>
    <message>
        <source>No headset</source>
        <translation>Không có tai nghe</translation>
    </message>
    <message>
        <source>Hold (F11)</source>
        <translation>Giữ máy (F11)</translation>
    </message>
    <message>
        <source>The caller waits in silence and does not hear you (F11).</source>
        <translation>Người gọi chờ trong im lặng và không nghe thấy bạn (F11).</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>Đang nối lại…</translation>
    </message>
    <message>
        <source>Holding…</source>
        <translation>Đang giữ máy…</translation>
    </message>
    <message>
        <source>Resume (F11)</source>
        <translation>Nối lại (F11)</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>Đang giữ máy</translation>
    </message>
    <message>
        <source>The caller put you on hold</source>
        <translation>Người gọi đang giữ máy</translation>
    </message>
    <message>
        <source>Encrypted</source>
        <translation>Đã mã hoá</translation>
    </message>
    <message>
        <source>The call's audio is encrypted on the network (SRTP, %1).</source>
        <translation>Âm thanh cuộc gọi được mã hoá trên mạng (SRTP, %1).</translation>
    </message>
    <message>
        <source>Not encrypted</source>
        <translation>Không mã hoá</translation>
    </message>
    <message>
        <source>The call's audio crosses the network unencrypted (plain RTP): the switchboard did not offer SRTP. IT staff can require encryption in the switchboard account (F8).</source>
        <translation>Âm thanh cuộc gọi đi qua mạng không được mã hoá (RTP thường): tổng đài không đề nghị SRTP. Bộ phận tin học có thể bắt buộc mã hoá trong tài khoản tổng đài (F8).</translation>
    </message>
</context>
<context>
    <name>CallPopup</name>
    <message>
        <source>Incoming call</source>
        <translation>Cuộc gọi đến</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Phiếu</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ngày tiếp nhận</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Đơn vị xử lý</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Chiều</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Đánh giá</translation>
    </message>
    <message>
        <source>Answer (Enter / F9)</source>
        <translation>Nghe máy (Enter / F9)</translation>
    </message>
    <message>
        <source>Reject (Esc / F10)</source>
        <translation>Từ chối (Esc / F10)</translation>
    </message>
    <message>
        <source>Last tickets</source>
        <translation>Các phiếu gần nhất</translation>
    </message>
    <message>
        <source>Last calls</source>
        <translation>Các cuộc gọi gần nhất</translation>
    </message>
    <message>
        <source>Earlier satisfaction answers</source>
        <translation>Các lần đánh giá mức độ hài lòng</translation>
    </message>
    <message>
        <source>Unknown caller</source>
        <translation>Chưa rõ tên người gọi</translation>
    </message>
    <message>
        <source>Hidden or foreign number: no history.</source>
        <translation>Số ẩn hoặc số nước ngoài: không có lịch sử.</translation>
    </message>
    <message>
        <source>Repeat caller</source>
        <translation>Gọi lại nhiều lần</translation>
    </message>
    <message>
        <source>First call</source>
        <translation>Gọi lần đầu</translation>
    </message>
    <message>
        <source>%1 tickets, %2 still open</source>
        <translation>%1 phiếu, %2 phiếu đang xử lý</translation>
    </message>
    <message>
        <source>No ringing device: this call rings on screen only.</source>
        <translation>Không có loa đổ chuông: cuộc gọi này chỉ đổ chuông trên màn hình.</translation>
    </message>
    <message>
        <source>Listen to the chosen past call&apos;s recording (Up/Down choose the call, F4 plays or stops)</source>
        <translation>Nghe bản ghi âm của cuộc gọi trước đang chọn (phím Lên/Xuống chọn cuộc gọi, F4 phát hoặc dừng)</translation>
    </message>
    <message>
        <source>Stop (F4)</source>
        <translation>Dừng nghe (F4)</translation>
    </message>
    <message>
        <source>Play recording (F4)</source>
        <translation>Nghe bản ghi (F4)</translation>
    </message>
    <message>
        <source>None of this caller&apos;s past calls has a recording.</source>
        <translation>Các cuộc gọi trước của người này đều không có bản ghi âm.</translation>
    </message>
</context>
<context>
    <name>CallbacksPanel</name>
    <message>
        <source>Due</source>
        <translation>Hẹn gọi</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Số lần gọi</translation>
    </message>
    <message>
        <source>Last outcome</source>
        <translation>Kết quả lần cuối</translation>
    </message>
    <message>
        <source>Call back (Enter)</source>
        <translation>Gọi lại (Enter)</translation>
    </message>
    <message>
        <source>In 1 hour (H)</source>
        <translation>Sau 1 giờ (H)</translation>
    </message>
    <message>
        <source>Tomorrow 8:00 (T)</source>
        <translation>Sáng mai 8:00 (T)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>The desk's phone records each call back by itself. Called on another phone: 1 reached, 2 no answer, 3 busy, 4 wrong number.</source>
        <translation>Điện thoại của phần mềm tự ghi kết quả mỗi cuộc gọi lại. Gọi bằng máy khác thì nhấn: 1 gặp được, 2 không nghe máy, 3 máy bận, 4 sai số.</translation>
    </message>
    <message>
        <source>Not recorded: %1 has not been called from this list yet. Press Enter to call; the digits record a call made on another phone.</source>
        <translation>Chưa ghi: chưa gọi %1 từ danh sách này. Nhấn Enter để gọi; các phím số dùng để ghi cuộc gọi bằng máy khác.</translation>
    </message>
    <message>
        <source>%1 callbacks waiting</source>
        <translation>%1 cuộc cần gọi lại</translation>
    </message>
    <message>
        <source>Could not read the callback queue: %1</source>
        <translation>Không đọc được danh sách gọi lại: %1</translation>
    </message>
    <message>
        <source>The callback queue is empty: there is no one to call back or record.</source>
        <translation>Danh sách gọi lại đang trống: không có ai để gọi lại hay ghi kết quả.</translation>
    </message>
    <message>
        <source>Choose a callback first (↑/↓), then press the key again.</source>
        <translation>Hãy chọn một cuộc gọi lại trước (↑/↓) rồi nhấn phím lần nữa.</translation>
    </message>
    <message>
        <source>missed calls, units' answers to pass on and surveys due; tickets still waiting for a unit's answer are not listed</source>
        <translation>cuộc gọi nhỡ, câu trả lời của đơn vị cần báo lại và khảo sát đến hạn; phiếu còn chờ đơn vị trả lời không nằm ở đây</translation>
    </message>
    <message>
        <source>The unit's answer, to read to the citizen:</source>
        <translation>Trả lời của đơn vị, để đọc cho công dân:</translation>
    </message>
    <message>
        <source>This ticket has no answer written yet: open the ticket before calling back.</source>
        <translation>Phiếu này chưa có nội dung trả lời: hãy mở phiếu xem trước khi gọi lại.</translation>
    </message>
</context>
<context>
    <name>PhoneDesk</name>
    <message>
        <source>A call is ringing or on: listen to recordings after it ends.</source>
        <translation>Đang có cuộc gọi đổ chuông hoặc đang nói: hãy nghe bản ghi sau khi cuộc gọi kết thúc.</translation>
    </message>
    <message>
        <source>The recording could not be opened.</source>
        <translation>Không mở được bản ghi âm.</translation>
    </message>
    <message>
        <source>Callbacks</source>
        <translation>Gọi lại</translation>
    </message>
    <message>
        <source>The network changed: registering again with the switchboard from the new address…</source>
        <translation>Mạng đã thay đổi: đang đăng ký lại với tổng đài từ địa chỉ mới…</translation>
    </message>
    <message>
        <source>Switchboard &amp;account…</source>
        <translation>&amp;Tài khoản tổng đài…</translation>
    </message>
    <message>
        <source>&amp;Call the ticket's number</source>
        <translation>&amp;Gọi số của phiếu</translation>
    </message>
    <message>
        <source>&amp;Hang up</source>
        <translation>Gác &amp;máy</translation>
    </message>
    <message>
        <source>Call&amp;backs</source>
        <translation>Danh sách gọi &amp;lại</translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation>Điện th&amp;oại</translation>
    </message>
    <message>
        <source>Switchboard: cannot start (%1)</source>
        <translation>Tổng đài: không khởi động được (%1)</translation>
    </message>
    <message>
        <source>The local SIP port is taken or the server name is wrong. Check the account (F8).</source>
        <translation>Cổng SIP trên máy đã bị chiếm hoặc tên máy chủ sai. Kiểm tra tài khoản tổng đài (F8).</translation>
    </message>
    <message>
        <source>The call is no longer there (the caller hung up?): %1</source>
        <translation>Cuộc gọi không còn nữa (người gọi đã gác máy?): %1</translation>
    </message>
    <message>
        <source>Could not call: %1</source>
        <translation>Không gọi được: %1</translation>
    </message>
    <message>
        <source>The phone is not connected to the switchboard (see the status bar).</source>
        <translation>Điện thoại chưa kết nối tổng đài (xem thanh trạng thái).</translation>
    </message>
    <message>
        <source>This is not a phone number that can be called.</source>
        <translation>Đây không phải số điện thoại gọi được.</translation>
    </message>
    <message>
        <source>Finish the current call first.</source>
        <translation>Hãy kết thúc cuộc gọi đang diễn ra trước.</translation>
    </message>
    <message>
        <source>Call recorded as: %1</source>
        <translation>Đã ghi nhận cuộc gọi: %1</translation>
    </message>
    <message>
        <source>H&amp;old / resume</source>
        <translation>&amp;Giữ máy / nối lại</translation>
    </message>
    <message>
        <source>Hold did not work: %1</source>
        <translation>Không giữ máy được: %1</translation>
    </message>
    <message>
        <source>The switchboard did not accept hold or resume; the call is as it was.</source>
        <translation>Tổng đài không chấp nhận giữ máy hoặc nối lại; cuộc gọi vẫn như trước.</translation>
    </message>
    <message>
        <source>Calls the number of the ticket in the list, the history or the form, wherever you are</source>
        <translation>Gọi số của phiếu đang chọn trong danh sách, trong lịch sử hoặc trên phiếu, tùy bạn đang ở đâu</translation>
    </message>
    <message>
        <source>Call this number (Ctrl+Shift+D)</source>
        <translation>Gọi số này (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <source>Select a ticket in the list first.</source>
        <translation>Hãy chọn một phiếu trong danh sách trước.</translation>
    </message>
    <message>
        <source>A call is on: listen to recordings after it ends.</source>
        <translation>Đang có cuộc gọi: hãy nghe bản ghi sau khi cuộc gọi kết thúc.</translation>
    </message>
</context>
<context>
    <name>SipSettingsDialog</name>
    <message>
        <source>(the server's)</source>
        <translation>(như máy chủ)</translation>
    </message>
    <message>
        <source>The domain in SIP addresses, e.g. 1022.example.gov.vn; host:port too.</source>
        <translation>Tên miền trong địa chỉ SIP, ví dụ 1022.example.gov.vn; có thể kèm cổng (máy:cổng).</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(không dùng)</translation>
    </message>
    <message>
        <source>host:port of the outbound proxy every request is sent to, if the PBX has one.</source>
        <translation>máy:cổng của proxy gửi đi (outbound proxy) nhận mọi yêu cầu SIP, nếu tổng đài có.</translation>
    </message>
    <message>
        <source>(the system's certificates)</source>
        <translation>(chứng chỉ của hệ thống)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Chọn…</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Giao thức</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Tên miền</translation>
    </message>
    <message>
        <source>Outbound proxy</source>
        <translation>Proxy gửi đi</translation>
    </message>
    <message>
        <source>TLS CA file</source>
        <translation>Tệp CA cho TLS</translation>
    </message>
    <message>
        <source>STUN server</source>
        <translation>Máy chủ STUN</translation>
    </message>
    <message>
        <source>The CA certificate of the PBX</source>
        <translation>Chứng chỉ CA của tổng đài</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt)</source>
        <translation>Chứng chỉ (*.pem *.crt)</translation>
    </message>
    <message>
        <source>The CA certificate file does not exist: choose it again or leave it empty.</source>
        <translation>Không có tệp chứng chỉ CA này: hãy chọn lại hoặc để trống.</translation>
    </message>
    <message>
        <source>The outbound proxy or STUN server is not an address: write host:port, e.g. 10.0.0.5:5060.</source>
        <translation>Proxy gửi đi hoặc máy chủ STUN không phải là một địa chỉ: hãy viết máy:cổng, ví dụ 10.0.0.5:5060.</translation>
    </message>
    <message>
        <source>Switchboard account</source>
        <translation>Tài khoản tổng đài</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(giữ nguyên)</translation>
    </message>
    <message>
        <source>the extension's password</source>
        <translation>mật khẩu của máy nhánh</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>cổng trống bất kỳ</translation>
    </message>
    <message>
        <source>Record calls to WAV files</source>
        <translation>Ghi âm cuộc gọi ra tệp WAV</translation>
    </message>
    <message>
        <source> days</source>
        <translation> ngày</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Kiểm tra kết nối</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Máy chủ</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Cổng</translation>
    </message>
    <message>
        <source>Extension</source>
        <translation>Máy nhánh</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Local SIP port</source>
        <translation>Cổng SIP trên máy</translation>
    </message>
    <message>
        <source>Audio ports from</source>
        <translation>Cổng âm thanh từ</translation>
    </message>
    <message>
        <source>Audio ports to</source>
        <translation>Cổng âm thanh đến</translation>
    </message>
    <message>
        <source>Keep recordings</source>
        <translation>Giữ bản ghi âm</translation>
    </message>
    <message>
        <source>Enter the server and the extension.</source>
        <translation>Nhập máy chủ và máy nhánh.</translation>
    </message>
    <message>
        <source>The audio port range must hold at least two ports (from &lt; to).</source>
        <translation>Dải cổng âm thanh phải có ít nhất hai cổng (từ &lt; đến).</translation>
    </message>
    <message>
        <source>Enter the extension's password.</source>
        <translation>Nhập mật khẩu của máy nhánh.</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>No answer from the switchboard. Check the server address and port, and the network.</source>
        <translation>Tổng đài không trả lời. Kiểm tra địa chỉ, cổng máy chủ và đường mạng.</translation>
    </message>
    <message>
        <source>Could not test: %1. Check the server name and the local port.</source>
        <translation>Không kiểm tra được: %1. Kiểm tra tên máy chủ và cổng trên máy.</translation>
    </message>
    <message>
        <source>No sound device was found on this computer: calls ring on screen (the blinking pop-up), and they are still logged and can be recorded. Plug in a headset and restart the desk to hear them.</source>
        <translation>Máy tính này không có thiết bị âm thanh: cuộc gọi đổ chuông trên màn hình (cửa sổ nhấp nháy), vẫn được ghi nhật ký và có thể ghi âm. Cắm tai nghe rồi mở lại phần mềm để nghe được.</translation>
    </message>
    <message>
        <source>Sound devices: %1</source>
        <translation>Thiết bị âm thanh: %1</translation>
    </message>
    <message>
        <source>Headset (speaker)</source>
        <translation>Tai nghe (loa)</translation>
    </message>
    <message>
        <source>Headset (microphone)</source>
        <translation>Tai nghe (micrô)</translation>
    </message>
    <message>
        <source>Ringing device</source>
        <translation>Thiết bị đổ chuông</translation>
    </message>
    <message>
        <source>(no device found)</source>
        <translation>(không có thiết bị)</translation>
    </message>
    <message>
        <source>%1 (system default)</source>
        <translation>%1 (mặc định của hệ thống)</translation>
    </message>
    <message>
        <source>Try the ringtone</source>
        <translation>Nghe thử chuông</translation>
    </message>
    <message>
        <source>When the switchboard offers it</source>
        <translation>Khi tổng đài đề nghị</translation>
    </message>
    <message>
        <source>Required (refuse unencrypted calls)</source>
        <translation>Bắt buộc (từ chối cuộc gọi không mã hoá)</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Tắt</translation>
    </message>
    <message>
        <source>SRTP encrypts the call's audio with keys sent in the SIP messages: use it with TLS. Required: a call the switchboard offers without encryption is refused.</source>
        <translation>SRTP mã hoá âm thanh cuộc gọi bằng khoá gửi trong các bản tin SIP: hãy dùng cùng TLS. Bắt buộc: cuộc gọi tổng đài đưa tới mà không mã hoá sẽ bị từ chối.</translation>
    </message>
    <message>
        <source>Call encryption (SRTP)</source>
        <translation>Mã hoá cuộc gọi (SRTP)</translation>
    </message>
</context>
<context>
    <name>WrapUpDialog</name>
    <message>
        <source>Wrap-up</source>
        <translation>Kết thúc cuộc gọi</translation>
    </message>
    <message>
        <source>How did the call with %1 end?</source>
        <translation>Cuộc gọi với %1 kết thúc thế nào?</translation>
    </message>
    <message>
        <source>Ticket created</source>
        <translation>Đã tạo phiếu</translation>
    </message>
    <message>
        <source>Information given</source>
        <translation>Đã cung cấp thông tin</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>Nhầm số</translation>
    </message>
    <message>
        <source>Silent call</source>
        <translation>Cuộc gọi im lặng</translation>
    </message>
    <message>
        <source>Prank call</source>
        <translation>Quấy rối</translation>
    </message>
    <message>
        <source>Press 1-5, or Enter for the marked choice.</source>
        <translation>Bấm 1-5, hoặc Enter để chọn mục đang đánh dấu.</translation>
    </message>
</context>
<context>
    <name>PhoneStatus</name>
    <message>
        <source>Switchboard: not configured</source>
        <translation>Tổng đài: chưa cấu hình</translation>
    </message>
    <message>
        <source>Enter the SIP account in Phone → Switchboard account (F8).</source>
        <translation>Nhập tài khoản SIP tại Điện thoại → Tài khoản tổng đài (F8).</translation>
    </message>
    <message>
        <source>Switchboard: connecting…</source>
        <translation>Tổng đài: đang kết nối…</translation>
    </message>
    <message>
        <source>Registering with the switchboard.</source>
        <translation>Đang đăng ký với tổng đài.</translation>
    </message>
    <message>
        <source>Switchboard: ready</source>
        <translation>Tổng đài: đã kết nối</translation>
    </message>
    <message>
        <source>Registered; calls to 1022 ring here.</source>
        <translation>Đã đăng ký với tổng đài; cuộc gọi đến 1022 đổ chuông ở đây khi bạn ở trạng thái Sẵn sàng.</translation>
    </message>
    <message>
        <source>The switchboard does not answer (%1). The desk keeps trying by itself; calls cannot ring here meanwhile. If it lasts, check the network cable and tell IT.</source>
        <translation>Tổng đài không trả lời (%1). Phần mềm tự thử lại; trong lúc này cuộc gọi không đổ chuông ở máy này. Nếu kéo dài, kiểm tra dây mạng và báo IT.</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>không có phản hồi</translation>
    </message>
    <message>
        <source>Switchboard: no connection, retrying</source>
        <translation>Tổng đài: mất kết nối, đang thử lại</translation>
    </message>
    <message>
        <source>The switchboard refused the extension or password (%1). Correct them in Phone → Switchboard account (F8); the desk will not retry by itself.</source>
        <translation>Tổng đài từ chối máy nhánh hoặc mật khẩu (%1). Sửa lại tại Điện thoại → Tài khoản tổng đài (F8); phần mềm sẽ không tự thử lại.</translation>
    </message>
    <message>
        <source>Switchboard: wrong extension or password</source>
        <translation>Tổng đài: sai máy nhánh hoặc mật khẩu</translation>
    </message>
    <message>
        <source>Switchboard: stopped</source>
        <translation>Tổng đài: đã tắt</translation>
    </message>
    <message>
        <source>The phone is switched off.</source>
        <translation>Điện thoại đang tắt.</translation>
    </message>
    <message>
        <source>Switchboard: not registered</source>
        <translation>Tổng đài: chưa đăng ký</translation>
    </message>
    <message>
        <source>Not registered (%1).</source>
        <translation>Chưa đăng ký (%1).</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Calls and tickets</source>
        <translation>Cuộc gọi và phiếu</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Kéo dài</translation>
    </message>
    <message>
        <source>After-call</source>
        <translation>Sau cuộc gọi</translation>
    </message>
    <message>
        <source>How long the state has lasted (min:s)</source>
        <translation>Trạng thái này đã kéo dài bao lâu (phút:giây)</translation>
    </message>
    <message>
        <source>After-call work today: time spent in the wrap-up after calls (min:s)</source>
        <translation>Xử lý sau cuộc gọi hôm nay: thời gian hoàn tất sau các cuộc gọi (phút:giây)</translation>
    </message>
    <message>
        <source>not ready: %1</source>
        <translation>chưa sẵn sàng: %1</translation>
    </message>
    <message>
        <source>Supervisor dashboard</source>
        <translation>Bảng điều khiển giám sát</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Tháng này</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Quá hạn</translation>
    </message>
    <message>
        <source>Oldest deadline</source>
        <translation>Hạn sớm nhất</translation>
    </message>
    <message>
        <source>Working days late</source>
        <translation>Số ngày làm việc trễ</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Điện thoại viên</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Từ lúc</translation>
    </message>
    <message>
        <source>Not connected to the server</source>
        <translation>Chưa kết nối máy chủ</translation>
    </message>
    <message>
        <source>Tickets and calls per day (30 days)</source>
        <translation>Phiếu và cuộc gọi theo ngày (30 ngày)</translation>
    </message>
    <message>
        <source>Tickets and calls per month (12 months)</source>
        <translation>Phiếu và cuộc gọi theo tháng (12 tháng)</translation>
    </message>
    <message>
        <source>Tickets per channel and month</source>
        <translation>Phiếu theo kênh và tháng</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>Điện thoại viên</translation>
    </message>
    <message>
        <source>Overdue tickets per unit</source>
        <translation>Phiếu quá hạn theo đơn vị</translation>
    </message>
    <message>
        <source>Forwarded</source>
        <translation>Chuyển</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>Đúng</translation>
    </message>
    <message>
        <source>Late</source>
        <translation>Trễ</translation>
    </message>
    <message>
        <source>Overdue now</source>
        <translation>Quá hạn</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Trả lại</translation>
    </message>
    <message>
        <source>%1: answered on time %2</source>
        <translation>%1: tỷ lệ trả lời đúng hạn %2</translation>
    </message>
    <message>
        <source>Answers by unit (%1 days)</source>
        <translation>Trả lời (%1 ngày)</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <source>Tickets forwarded to the unit in the period</source>
        <translation>Số phiếu đã chuyển đơn vị trong kỳ</translation>
    </message>
    <message>
        <source>Answered by the deadline</source>
        <translation>Đơn vị trả lời đúng hạn</translation>
    </message>
    <message>
        <source>Answered after the deadline</source>
        <translation>Đơn vị trả lời trễ hạn</translation>
    </message>
    <message>
        <source>Not answered and past the deadline now</source>
        <translation>Chưa trả lời và đã quá hạn</translation>
    </message>
    <message>
        <source>Returned as not the unit's competence</source>
        <translation>Trả lại do không thuộc thẩm quyền</translation>
    </message>
    <message>
        <source>Figures by unit are unknown: %1</source>
        <translation>Chưa có số liệu theo đơn vị: %1</translation>
    </message>
    <message>
        <source>No ticket was forwarded to a unit in the last %1 days.</source>
        <translation>Không có phiếu nào chuyển đơn vị trong %1 ngày qua.</translation>
    </message>
    <message>
        <source>Tickets by channel, type and level</source>
        <translation>Phiếu theo kênh, loại yêu cầu và cấp độ</translation>
    </message>
    <message>
        <source>Inbound calls</source>
        <translation>Cuộc gọi vào</translation>
    </message>
    <message>
        <source>Outbound calls</source>
        <translation>Cuộc gọi ra</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Gọi nhỡ</translation>
    </message>
    <message>
        <source>Abandoned while ringing</source>
        <translation>Gác máy khi đổ chuông</translation>
    </message>
    <message>
        <source>Answer rate</source>
        <translation>Tỷ lệ trả lời</translation>
    </message>
    <message>
        <source>Average talk time (min:s)</source>
        <translation>Thời gian đàm thoại TB (phút:giây)</translation>
    </message>
    <message>
        <source>Tickets received</source>
        <translation>Phiếu tiếp nhận</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Đã xử lý</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>Đang xử lý</translation>
    </message>
    <message>
        <source>Satisfied (of rated)</source>
        <translation>Hài lòng (trên số đã đánh giá)</translation>
    </message>
    <message>
        <source>Surveys answered / attempts</source>
        <translation>Khảo sát có trả lời / lần gọi</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Nhóm</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <source>Request type</source>
        <translation>Loại yêu cầu</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Cấp độ</translation>
    </message>
    <message>
        <source>Updated at %1</source>
        <translation>Cập nhật lúc %1</translation>
    </message>
    <message>
        <source>Could not read the counts: %1</source>
        <translation>Không đọc được số liệu: %1</translation>
    </message>
    <message>
        <source>Operators&apos; states are unknown: %1</source>
        <translation>Chưa biết trạng thái của điện thoại viên: %1</translation>
    </message>
    <message>
        <source>Connection lost</source>
        <translation>Mất kết nối</translation>
    </message>
    <message>
        <source>%1: no news from this desk since %2 (closed without saying so, or no network)</source>
        <translation>%1: bàn này không báo tin từ %2 (phần mềm bị tắt đột ngột hoặc mất mạng)</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Đã đăng ký tổng đài</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Đang rảnh</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>Đang nghe gọi</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Xử lý sau cuộc gọi</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Ngoại tuyến</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>Phiếu</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Cuộc gọi</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Phiếu</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>&amp;Grant</source>
        <translation>Đồn&amp;g ý gia hạn</translation>
    </message>
    <message>
        <source>Re&amp;fuse</source>
        <translation>&amp;Không đồng ý</translation>
    </message>
    <message>
        <source>More time asked (%1)</source>
        <translation>Xin gia hạn (%1)</translation>
    </message>
    <message>
        <source>The units' requests for more time could not be read: %1</source>
        <translation>Chưa đọc được các đề nghị gia hạn của đơn vị (danh sách có thể đã cũ): %1</translation>
    </message>
    <message>
        <source>%1 working days asked; deadline now %2</source>
        <translation>Xin thêm %1 ngày làm việc; hạn hiện tại %2</translation>
    </message>
    <message>
        <source>Ticket %1: more time granted, deadline %2</source>
        <translation>Phiếu %1: đã đồng ý gia hạn, hạn mới %2</translation>
    </message>
    <message>
        <source>Ticket %1: more time refused, deadline stays %2</source>
        <translation>Phiếu %1: không đồng ý gia hạn, hạn vẫn là %2</translation>
    </message>
</context>
<context>
    <name>DueSurveyModel</name>
    <message>
        <source>Code</source>
        <translation>Mã phiếu</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <source>Resolved on</source>
        <translation>Ngày xử lý xong</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Số lần gọi</translation>
    </message>
    <message>
        <source>Last attempt</source>
        <translation>Lần gọi gần nhất</translation>
    </message>
    <message>
        <source>No phone number: press 3 to record &apos;no response&apos;</source>
        <translation>Không có số điện thoại: bấm 3 để ghi «không phản hồi»</translation>
    </message>
    <message>
        <source>1022 Hotline</source>
        <translation>Tổng đài 1022</translation>
    </message>
</context>
<context>
    <name>SupervisorScreens</name>
    <message>
        <source>Supervisor &amp;dashboard</source>
        <translation>&amp;Bảng điều khiển giám sát</translation>
    </message>
    <message>
        <source>Live counts, overdue tickets, operators and trends</source>
        <translation>Số liệu trực tiếp, phiếu quá hạn, điện thoại viên và xu hướng</translation>
    </message>
    <message>
        <source>Satisfaction &amp;surveys</source>
        <translation>&amp;Khảo sát mức độ hài lòng</translation>
    </message>
    <message>
        <source>Call back resolved tickets and record the citizen&apos;s satisfaction</source>
        <translation>Gọi lại phiếu đã xử lý và ghi mức độ hài lòng của người dân</translation>
    </message>
    <message>
        <source>&amp;Report…</source>
        <translation>&amp;Báo cáo…</translation>
    </message>
    <message>
        <source>The province's report of a period: tables, Excel and Word</source>
        <translation>Báo cáo của tỉnh theo kỳ: các bảng, xuất Excel và Word</translation>
    </message>
</context>
<context>
    <name>SurveysView</name>
    <message>
        <source>Satisfaction surveys</source>
        <translation>Khảo sát mức độ hài lòng</translation>
    </message>
    <message>
        <source>After this many unanswered calls the ticket is recorded as &apos;no response&apos;</source>
        <translation>Sau số lần gọi không ai nghe này, phiếu được ghi «không phản hồi»</translation>
    </message>
    <message>
        <source>No response after</source>
        <translation>Ghi «không phản hồi» sau</translation>
    </message>
    <message>
        <source>attempts</source>
        <translation>lần gọi</translation>
    </message>
    <message>
        <source>%1 tickets waiting for a survey</source>
        <translation>%1 phiếu chờ khảo sát</translation>
    </message>
    <message>
        <source>(the oldest %1 shown)</source>
        <translation>(hiển thị %1 phiếu cũ nhất)</translation>
    </message>
    <message>
        <source>Still saving the previous answer; press the key again.</source>
        <translation>Đang lưu câu trả lời trước; hãy bấm phím lại.</translation>
    </message>
    <message>
        <source>Press 1 to 6 for the reason, or Esc to cancel.</source>
        <translation>Bấm 1 đến 6 để chọn lý do, hoặc Esc để hủy.</translation>
    </message>
    <message>
        <source>This ticket has no phone number to call.</source>
        <translation>Phiếu này không có số điện thoại để gọi.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Đang lưu…</translation>
    </message>
    <message>
        <source>No answer recorded (attempt %1).</source>
        <translation>Đã ghi không nghe máy (lần gọi thứ %1).</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Đã lưu: %1</translation>
    </message>
    <message>
        <source>Keys: 1 satisfied · 2 dissatisfied (then the reason) · 0 no answer this time · 3 no response · Enter call · F5 reload · Esc close</source>
        <translation>Phím: 1 hài lòng · 2 không hài lòng (rồi chọn lý do) · 0 lần này không nghe máy · 3 không phản hồi · Enter gọi · F5 tải lại · Esc đóng</translation>
    </message>
    <message>
        <source>Dissatisfied: why? Press the reason&apos;s digit (Esc cancels)</source>
        <translation>Không hài lòng: vì sao? Bấm số của lý do (Esc để hủy)</translation>
    </message>
    <message>
        <source>resolved in the last %1 days and not rated yet (older ones are not listed)</source>
        <translation>đã xử lý xong trong %1 ngày qua và chưa đánh giá (phiếu cũ hơn không được liệt kê)</translation>
    </message>
</context>
<context>
    <name>StoreOpening</name>
    <message>
        <source>1022 Hotline Desk</source>
        <translation>Tổng đài 1022</translation>
    </message>
    <message>
        <source>Opening the data…</source>
        <translation>Đang mở dữ liệu…</translation>
    </message>
    <message>
        <source>Upgrading the data to this version of the desk; the old data is copied aside first. With a million tickets this takes a few minutes: please do not turn off the computer.</source>
        <translation>Đang nâng cấp dữ liệu lên phiên bản mới của phần mềm; dữ liệu cũ đã được sao lưu trước. Với khoảng một triệu phiếu, việc này mất vài phút: xin đừng tắt máy.</translation>
    </message>
    <message>
        <source>Loading the knowledge base of procedures…</source>
        <translation>Đang nạp cơ sở tri thức thủ tục hành chính…</translation>
    </message>
    <message>
        <source>Encrypting the data of this computer, once: %1 % done. With a million tickets this takes a few minutes: please do not turn off the computer.</source>
        <translation>Đang mã hóa dữ liệu trên máy này (chỉ làm một lần): xong %1 %. Với một triệu phiếu việc này mất vài phút: xin đừng tắt máy.</translation>
    </message>
</context>
<context>
    <name>PhoneAudio</name>
    <message>
        <source>The sound library (QtMultimedia) cannot load on this computer.</source>
        <translation>Thư viện âm thanh (QtMultimedia) không chạy được trên máy này.</translation>
    </message>
    <message>
        <source>No sound device was found on this computer: calls ring on screen (the blinking pop-up), and they are still logged and can be recorded. Plug in a headset: the next call uses it.</source>
        <translation>Máy tính này không có thiết bị âm thanh: cuộc gọi đổ chuông trên màn hình (cửa sổ nhấp nháy), vẫn được ghi nhật ký và có thể ghi âm. Hãy cắm tai nghe: cuộc gọi sau sẽ dùng nó.</translation>
    </message>
    <message>
        <source>No microphone was found: the caller hears silence. Plug in a headset with a microphone.</source>
        <translation>Không tìm thấy micrô: người gọi chỉ nghe im lặng. Hãy cắm tai nghe có micrô.</translation>
    </message>
    <message>
        <source>The headset &apos;%1&apos; cannot be opened.</source>
        <translation>Không mở được tai nghe &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>The microphone &apos;%1&apos; cannot be opened.</source>
        <translation>Không mở được micrô &apos;%1&apos;.</translation>
    </message>
</context>
<context>
    <name>OperatorName</name>
    <message>
        <source>Operator: %1</source>
        <translation>Điện thoại viên: %1</translation>
    </message>
    <message>
        <source>Operator &amp;name…</source>
        <translation>&amp;Tên điện thoại viên…</translation>
    </message>
    <message>
        <source>The name written on the tickets and calls of this desk</source>
        <translation>Tên ghi trên phiếu và cuộc gọi của máy này</translation>
    </message>
    <message>
        <source>(server account)</source>
        <translation>(tài khoản máy chủ)</translation>
    </message>
    <message>
        <source>(PC login: File ▸ Operator name…)</source>
        <translation>(tên đăng nhập máy tính: Tệp ▸ Tên điện thoại viên…)</translation>
    </message>
    <message>
        <source>Signed in to the server: the name is the server account's.</source>
        <translation>Đã đăng nhập máy chủ: tên là tên tài khoản máy chủ.</translation>
    </message>
    <message>
        <source>Change it in File ▸ Operator name…</source>
        <translation>Đổi tại Tệp ▸ Tên điện thoại viên…</translation>
    </message>
    <message>
        <source>Operator name</source>
        <translation>Tên điện thoại viên</translation>
    </message>
    <message>
        <source>Your name as it should appear on tickets, calls and the supervisor's dashboard:</source>
        <translation>Họ tên của bạn như sẽ ghi trên phiếu, cuộc gọi và bảng điều khiển giám sát:</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <source>Report</source>
        <translation>Báo cáo</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Tháng này</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Tháng trước</translation>
    </message>
    <message>
        <source>Reform period (21st to 20th)</source>
        <translation>Kỳ báo cáo cải cách TTHC (ngày 21 đến ngày 20)</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Năm nay</translation>
    </message>
    <message>
        <source>Chosen dates</source>
        <translation>Chọn ngày</translation>
    </message>
    <message>
        <source>Show (F5)</source>
        <translation>Xem (F5)</translation>
    </message>
    <message>
        <source>Export &amp;Excel…</source>
        <translation>Xuất &amp;Excel…</translation>
    </message>
    <message>
        <source>Export &amp;Word…</source>
        <translation>Xuất &amp;Word…</translation>
    </message>
    <message>
        <source>Choose a period, then Show.</source>
        <translation>Chọn kỳ báo cáo rồi bấm Xem.</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Kỳ</translation>
    </message>
    <message>
        <source>from</source>
        <translation>từ</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>The last day comes before the first: swap them.</source>
        <translation>Ngày cuối đứng trước ngày đầu: hãy đổi chỗ hai ngày.</translation>
    </message>
    <message>
        <source>Reading them from the server…</source>
        <translation>Đang lấy hai bảng này từ máy chủ…</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Đang tính số liệu…</translation>
    </message>
    <message>
        <source>%1 tickets received from %2 to %3 (Vietnam time).</source>
        <translation>%1 phiếu tiếp nhận từ %2 đến %3 (giờ Việt Nam).</translation>
    </message>
    <message>
        <source>Could not make the report: %1</source>
        <translation>Không lập được báo cáo: %1</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Tệp Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Word document (*.docx)</source>
        <translation>Tệp Word (*.docx)</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>Lưu báo cáo</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Đang ghi %1…</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Đã lưu: %1</translation>
    </message>
</context>
<context>
    <name>UpdateDialog</name>
    <message>
        <source>This computer's user cannot write the desk's versions folder: IT installs the new version.</source>
        <translation>Người dùng trên máy này không ghi được vào thư mục các phiên bản của phần mềm: bộ phận CNTT sẽ cài bản mới.</translation>
    </message>
    <message>
        <source>Software update</source>
        <translation>Cập nhật phần mềm</translation>
    </message>
    <message>
        <source>Install the update</source>
        <translation>Cài bản cập nhật</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Để sau</translation>
    </message>
    <message>
        <source>No newer signed release is on the server yet.</source>
        <translation>Máy chủ chưa có bản phát hành mới hơn đã được ký.</translation>
    </message>
    <message>
        <source>Update available: version %1 (%2 MB). The desk restarts to use it.</source>
        <translation>Có bản cập nhật: phiên bản %1 (%2 MB). Phần mềm cần mở lại để dùng bản mới.</translation>
    </message>
    <message>
        <source>There is nothing to install.</source>
        <translation>Không có gì để cài.</translation>
    </message>
    <message>
        <source>This desk runs from source code: update it with git and pip.</source>
        <translation>Máy này chạy phần mềm từ mã nguồn: hãy cập nhật bằng git và pip.</translation>
    </message>
    <message>
        <source>A call is ringing or on: install after it ends.</source>
        <translation>Đang có cuộc gọi đổ chuông hoặc đang nói chuyện: hãy cài sau khi cuộc gọi kết thúc.</translation>
    </message>
    <message>
        <source>Downloading and checking the signature…</source>
        <translation>Đang tải và kiểm tra chữ ký…</translation>
    </message>
    <message>
        <source>The update is installed. Close and open the desk again to use it.</source>
        <translation>Đã cài bản cập nhật. Hãy đóng rồi mở lại phần mềm để dùng bản mới.</translation>
    </message>
</context>
<context>
    <name>UpdateDesk</name>
    <message>
        <source>Update available: %1</source>
        <translation>Có bản cập nhật: %1</translation>
    </message>
    <message>
        <source>Open to install the update when you are ready (not during a call).</source>
        <translation>Mở để cài bản cập nhật khi bạn sẵn sàng (không cài trong lúc có cuộc gọi).</translation>
    </message>
</context>
<context>
    <name>ForwardDialog</name>
    <message>
        <source>Not forwarded: the server refused forwarding it to %1: %2 Forward it again (%3).</source>
        <translation>Chưa chuyển đơn vị: máy chủ không nhận chuyển phiếu đến %1: %2 Hãy chuyển lại (%3).</translation>
    </message>
    <message>
        <source>Waiting to be forwarded to %1: asked at %2, kept on this computer and sent by the sync as soon as the server can be reached.</source>
        <translation>Chờ gửi chuyển đơn vị đến %1: lệnh chuyển lúc %2 đang giữ trên máy này, tự gửi ngay khi kết nối được máy chủ.</translation>
    </message>
    <message>
        <source>Forward to a unit</source>
        <translation>Chuyển đơn vị</translation>
    </message>
    <message>
        <source>Ticket %1 goes to the unit that must answer it; the server sets its deadline.</source>
        <translation>Phiếu %1 được chuyển đến đơn vị có trách nhiệm trả lời; máy chủ tính hạn trả lời theo ngày làm việc.</translation>
    </message>
    <message>
        <source>Type part of the unit's name, e.g. xay dung</source>
        <translation>Gõ một phần tên đơn vị, có dấu hay không dấu, ví dụ: xay dung</translation>
    </message>
    <message>
        <source>&amp;Unit:</source>
        <translation>Đơn &amp;vị:</translation>
    </message>
    <message>
        <source>Answer due %1 (%2 working days from today) if forwarded now.</source>
        <translation>Nếu chuyển bây giờ, hạn trả lời là %1 (%2 ngày làm việc kể từ hôm nay).</translation>
    </message>
    <message>
        <source>The server sets the deadline from the ticket's level.</source>
        <translation>Máy chủ tính hạn trả lời theo cấp độ của phiếu.</translation>
    </message>
    <message>
        <source>The server refused forwarding it to %1: %2 Choose the unit again.</source>
        <translation>Máy chủ không nhận lần chuyển trước đến %1: %2 Hãy chọn lại đơn vị.</translation>
    </message>
    <message>
        <source>Already waiting to be sent to %1 when the server is reachable; choosing again replaces it.</source>
        <translation>Phiếu đang chờ gửi để chuyển đến %1 khi kết nối được máy chủ; chọn lại sẽ thay lựa chọn đó.</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>Chuyển</translation>
    </message>
    <message>
        <source>Choose a unit from the list: type part of its name, then pick it with ↓ and Enter.</source>
        <translation>Hãy chọn một đơn vị trong danh sách: gõ một phần tên, rồi chọn bằng ↓ và Enter.</translation>
    </message>
    <message>
        <source>Sending to the server…</source>
        <translation>Đang gửi lên máy chủ…</translation>
    </message>
    <message>
        <source>The server did not forward the ticket: %1</source>
        <translation>Máy chủ không chuyển phiếu: %1</translation>
    </message>
    <message>
        <source>Forward to a &amp;unit…</source>
        <translation>Chuyển đơn &amp;vị…</translation>
    </message>
    <message>
        <source>Send this level 2-4 ticket to the unit that must answer it (%1)</source>
        <translation>Chuyển phiếu cấp độ 2-4 này đến đơn vị có trách nhiệm trả lời (%1)</translation>
    </message>
    <message>
        <source>This desk is not signed in to the server (Server ▸ Sign in to the server…).</source>
        <translation>Máy này chưa đăng nhập máy chủ (Máy chủ ▸ Đăng nhập máy chủ…).</translation>
    </message>
    <message>
        <source>Not forwarded yet to %1: the ticket's last changes are not on the server; the forward is kept and sent right after them.</source>
        <translation>Chưa chuyển đến %1: phiếu chưa đồng bộ lên máy chủ; lệnh chuyển được giữ và gửi ngay sau phiếu.</translation>
    </message>
    <message>
        <source>Not forwarded yet to %1: the server cannot be reached; the forward is kept on this computer and sent when it can be.</source>
        <translation>Chưa chuyển đến %1: không kết nối được máy chủ; lệnh chuyển được giữ trên máy này, tự gửi khi có mạng.</translation>
    </message>
    <message>
        <source>Not forwarded yet to %1: the server failed (error %2); the forward is kept on this computer and sent when the server answers.</source>
        <translation>Chưa chuyển đến %1: máy chủ đang lỗi (mã %2); lệnh chuyển được giữ trên máy này, tự gửi khi máy chủ trả lời.</translation>
    </message>
    <message>
        <source>Not forwarded yet to %1: this desk is not signed in to the server (Server ▸ Sign in to the server…); the forward is kept until it is.</source>
        <translation>Chưa chuyển đến %1: máy chưa đăng nhập máy chủ (Máy chủ ▸ Đăng nhập máy chủ…); lệnh chuyển được giữ đến khi đăng nhập.</translation>
    </message>
    <message>
        <source>Forwarded to %1; answer due %2.</source>
        <translation>Đã chuyển đến %1; hạn trả lời %2.</translation>
    </message>
</context>
<context>
    <name>StoreKey</name>
    <message>
        <source>Password of the desk's data</source>
        <translation>Mật khẩu của dữ liệu</translation>
    </message>
    <message>
        <source>This computer has no keyring of its own (Secret Service, Credential Manager), so the desk encrypts its data with a password you choose now. It is asked each time the desk opens. Without it the data on this computer cannot be read: keep it safe (what is synced stays on the central server).</source>
        <translation>Máy này không có kho khóa của hệ điều hành (Secret Service, Credential Manager), nên phần mềm mã hóa dữ liệu bằng mật khẩu bạn đặt bây giờ. Mỗi lần mở phần mềm sẽ hỏi mật khẩu này. Quên mật khẩu thì không đọc lại được dữ liệu trên máy: hãy giữ cẩn thận (dữ liệu đã đồng bộ vẫn còn trên máy chủ).</translation>
    </message>
    <message>
        <source>The desk's data on this computer is encrypted. Type its password to open it.</source>
        <translation>Dữ liệu của phần mềm trên máy này đã được mã hóa. Nhập mật khẩu để mở.</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mật khẩu:</translation>
    </message>
    <message>
        <source>&amp;Again:</source>
        <translation>&amp;Nhập lại:</translation>
    </message>
    <message>
        <source>That password does not open the data. Check Caps Lock and the keyboard layout.</source>
        <translation>Mật khẩu này không mở được dữ liệu. Kiểm tra phím Caps Lock và kiểu gõ bàn phím.</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Mở &amp;dữ liệu</translation>
    </message>
    <message>
        <source>&amp;Set</source>
        <translation>Đặ&amp;t mật khẩu</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>T&amp;hoát</translation>
    </message>
    <message>
        <source>Type the password.</source>
        <translation>Hãy nhập mật khẩu.</translation>
    </message>
    <message>
        <source>The password needs at least %1 characters.</source>
        <translation>Mật khẩu cần ít nhất %1 ký tự.</translation>
    </message>
    <message>
        <source>The two passwords differ. Type the same password twice.</source>
        <translation>Hai mật khẩu khác nhau. Hãy gõ cùng một mật khẩu hai lần.</translation>
    </message>
</context>
<context>
    <name>AgentStateDesk</name>
    <message>
        <source>The desk reopened in the state it was closed in: %1. Calls do not ring here; press Alt+0 when ready.</source>
        <translation>Phần mềm mở lại ở trạng thái lúc đóng: %1. Cuộc gọi không đổ chuông ở máy này; bấm Alt+0 khi sẵn sàng nhận cuộc gọi.</translation>
    </message>
    <message>
        <source>&amp;State</source>
        <translation>Trạ&amp;ng thái</translation>
    </message>
    <message>
        <source>Calls ring at this desk</source>
        <translation>Cuộc gọi đổ chuông ở bàn này</translation>
    </message>
    <message>
        <source>Calls are not offered to this desk (the switchboard hears: busy)</source>
        <translation>Tổng đài không chuyển cuộc gọi đến bàn này (tổng đài nhận trả lời: bận)</translation>
    </message>
    <message>
        <source>Not offered calls now: the switchboard hears busy and tries another desk.</source>
        <translation>Bàn này đang không nhận cuộc gọi: tổng đài nhận trả lời «bận» và chuyển cho bàn khác.</translation>
    </message>
    <message>
        <source>Calls ring at this desk.</source>
        <translation>Cuộc gọi đổ chuông ở bàn này.</translation>
    </message>
    <message>
        <source>Change the state: Alt+0 ready, Alt+1 … %1 not ready.</source>
        <translation>Đổi trạng thái: Alt+0 sẵn sàng, Alt+1 … %1 chưa sẵn sàng (có lý do).</translation>
    </message>
</context>
<context>
    <name>TransferDesk</name>
    <message>
        <source>&amp;Transfer the call…</source>
        <translation>&amp;Chuyển cuộc gọi…</translation>
    </message>
    <message>
        <source>Com&amp;plete the transfer</source>
        <translation>&amp;Hoàn tất chuyển</translation>
    </message>
    <message>
        <source>Three-&amp;way call</source>
        <translation>Gọi &amp;ba bên</translation>
    </message>
    <message>
        <source>Bac&amp;k to the citizen</source>
        <translation>&amp;Quay lại người dân</translation>
    </message>
    <message>
        <source>There is no call in progress to transfer.</source>
        <translation>Không có cuộc gọi nào đang nói chuyện để chuyển.</translation>
    </message>
    <message>
        <source>Could not transfer the call: %1</source>
        <translation>Không chuyển được cuộc gọi: %1</translation>
    </message>
    <message>
        <source>Calling %1; the citizen is on hold.</source>
        <translation>Đang gọi %1; người dân đang được giữ máy.</translation>
    </message>
    <message>
        <source>Could not call %1 (%2); you are back with the citizen.</source>
        <translation>Không gọi được %1 (%2); bạn đã quay lại với người dân.</translation>
    </message>
    <message>
        <source>Call the specialist first (F7, then &apos;Talk to them first&apos;).</source>
        <translation>Hãy gọi cán bộ chuyên môn trước (F7, rồi chọn &apos;Hỏi ý kiến trước&apos;).</translation>
    </message>
    <message>
        <source>Three-way call: the citizen, %1 and you hear each other.</source>
        <translation>Gọi ba bên: người dân, %1 và bạn cùng nghe nhau.</translation>
    </message>
    <message>
        <source>Could not join the calls: %1</source>
        <translation>Không nối ba bên được: %1</translation>
    </message>
    <message>
        <source>There is no consultation to leave.</source>
        <translation>Không có cuộc gọi hỏi ý kiến nào để kết thúc.</translation>
    </message>
    <message>
        <source>You are back with the citizen.</source>
        <translation>Bạn đã quay lại với người dân.</translation>
    </message>
    <message>
        <source>Talking to %1: Shift+F7 completes the transfer, Ctrl+F7 joins the three of you, Ctrl+Shift+F7 goes back to the citizen.</source>
        <translation>Đang nói chuyện với %1: Shift+F7 để hoàn tất chuyển, Ctrl+F7 để gọi ba bên, Ctrl+Shift+F7 để quay lại người dân.</translation>
    </message>
    <message>
        <source>Transferring the call…</source>
        <translation>Đang chuyển cuộc gọi…</translation>
    </message>
    <message>
        <source>Transferring the call: the other phone is ringing…</source>
        <translation>Đang chuyển cuộc gọi: máy bên kia đang đổ chuông…</translation>
    </message>
    <message>
        <source>The call was transferred.</source>
        <translation>Đã chuyển cuộc gọi.</translation>
    </message>
    <message>
        <source>The transfer did not work (%1): the call stays with you.</source>
        <translation>Chuyển cuộc gọi không thành công (%1): cuộc gọi vẫn ở với bạn.</translation>
    </message>
    <message>
        <source>the line is busy</source>
        <translation>máy bận</translation>
    </message>
    <message>
        <source>no such number</source>
        <translation>không có số này</translation>
    </message>
    <message>
        <source>nobody answered</source>
        <translation>không ai nghe máy</translation>
    </message>
    <message>
        <source>declined</source>
        <translation>bị từ chối</translation>
    </message>
    <message>
        <source>the caller&apos;s phone or the switchboard cannot transfer</source>
        <translation>máy của người gọi hoặc tổng đài không hỗ trợ chuyển cuộc gọi</translation>
    </message>
    <message>
        <source>no answer from the caller&apos;s phone</source>
        <translation>máy của người gọi không phản hồi</translation>
    </message>
    <message>
        <source>switchboard code %1</source>
        <translation>mã tổng đài %1</translation>
    </message>
    <message>
        <source>The consultation ended.</source>
        <translation>Cuộc gọi hỏi ý kiến đã kết thúc.</translation>
    </message>
    <message>
        <source>%1 did not answer; you are back with the citizen.</source>
        <translation>%1 không nghe máy; bạn đã quay lại với người dân.</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <source>Transfer the call</source>
        <translation>Chuyển cuộc gọi</translation>
    </message>
    <message>
        <source>&amp;Directory:</source>
        <translation>&amp;Danh bạ:</translation>
    </message>
    <message>
        <source>The directory is empty: IT staff can fill it in (transfer_directory in settings.json).</source>
        <translation>Danh bạ chuyển máy đang trống: cán bộ CNTT có thể khai báo (transfer_directory trong settings.json).</translation>
    </message>
    <message>
        <source>Extension or phone number</source>
        <translation>Số máy lẻ hoặc số điện thoại</translation>
    </message>
    <message>
        <source>&amp;Number:</source>
        <translation>&amp;Số:</translation>
    </message>
    <message>
        <source>Transfer &amp;now</source>
        <translation>Chuyển &amp;ngay</translation>
    </message>
    <message>
        <source>The citizen is put through to this number and you leave the call.</source>
        <translation>Người dân được nối tới số này và bạn rời cuộc gọi.</translation>
    </message>
    <message>
        <source>&amp;Talk to them first</source>
        <translation>&amp;Hỏi ý kiến trước</translation>
    </message>
    <message>
        <source>The citizen waits on hold while you call this number; then complete, join or go back.</source>
        <translation>Người dân chờ máy trong khi bạn gọi số này; sau đó hoàn tất chuyển, gọi ba bên hoặc quay lại.</translation>
    </message>
    <message>
        <source>This is not a number to transfer to: type an extension or a phone number (digits only).</source>
        <translation>Đây không phải số để chuyển tới: hãy nhập số máy lẻ hoặc số điện thoại (chỉ gồm chữ số).</translation>
    </message>
</context>
<context>
    <name>RecordingPlayer</name>
    <message>
        <source>No sound device was found on this computer: the recording cannot be played. Plug in a headset or speakers, then press Play again.</source>
        <translation>Máy tính này không có thiết bị âm thanh nên không phát được bản ghi âm. Hãy cắm tai nghe hoặc loa rồi bấm Nghe bản ghi lần nữa.</translation>
    </message>
    <message>
        <source>The headset '%1' cannot be opened: the recording cannot be played.</source>
        <translation>Không mở được tai nghe '%1' nên không phát được bản ghi âm.</translation>
    </message>
</context>
<context>
    <name>RecordingBar</name>
    <message>
        <source>Stop</source>
        <translation>Dừng</translation>
    </message>
    <message>
        <source>Stop playing the recording</source>
        <translation>Dừng phát bản ghi âm</translation>
    </message>
    <message>
        <source>Playing a call's recording: %1 / %2</source>
        <translation>Đang phát bản ghi cuộc gọi: %1 / %2</translation>
    </message>
</context>
<context>
    <name>TicketLifeDialog</name>
    <message>
        <source>Ticket's history — %1</source>
        <translation>Lịch sử xử lý phiếu %1</translation>
    </message>
    <message>
        <source>Reading the ticket's history…</source>
        <translation>Đang đọc lịch sử xử lý của phiếu…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Bước</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Người thực hiện</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>Steps of the ticket, oldest first</source>
        <translation>Các bước xử lý của phiếu, cũ nhất trước</translation>
    </message>
    <message>
        <source>%1 steps, oldest first; times in Vietnam time.</source>
        <translation>%1 bước, cũ nhất trước; giờ Việt Nam.</translation>
    </message>
    <message>
        <source>This desk has no history of the ticket yet.</source>
        <translation>Máy này chưa có lịch sử xử lý của phiếu.</translation>
    </message>
    <message>
        <source>Could not read the ticket's history: %1 Close and open it again.</source>
        <translation>Không đọc được lịch sử xử lý của phiếu: %1. Hãy đóng lại rồi mở lại.</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Tiếp nhận</translation>
    </message>
    <message>
        <source>Forwarded to the unit</source>
        <translation>Chuyển đơn vị</translation>
    </message>
    <message>
        <source>More time asked</source>
        <translation>Đơn vị xin gia hạn</translation>
    </message>
    <message>
        <source>More time granted</source>
        <translation>Đồng ý gia hạn</translation>
    </message>
    <message>
        <source>More time refused</source>
        <translation>Không đồng ý gia hạn</translation>
    </message>
    <message>
        <source>Unit answered</source>
        <translation>Đơn vị trả lời</translation>
    </message>
    <message>
        <source>Returned by the unit</source>
        <translation>Đơn vị trả lại</translation>
    </message>
    <message>
        <source>Citizen called back</source>
        <translation>Đã gọi lại cho người dân</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Đã xử lý xong</translation>
    </message>
    <message>
        <source>Satisfaction survey</source>
        <translation>Khảo sát hài lòng</translation>
    </message>
    <message>
        <source>Answer due %1</source>
        <translation>Hạn trả lời %1</translation>
    </message>
    <message>
        <source>%1 more working days: %2</source>
        <translation>Xin thêm %1 ngày làm việc: %2</translation>
    </message>
    <message>
        <source>New deadline %1</source>
        <translation>Hạn mới %1</translation>
    </message>
    <message>
        <source>(with an official reply attached, kept on the server)</source>
        <translation>(có văn bản trả lời đính kèm, lưu trên máy chủ)</translation>
    </message>
    <message>
        <source>Ticket's &amp;history…</source>
        <translation>Lịc&amp;h sử xử lý…</translation>
    </message>
    <message>
        <source>Every step of this ticket with its time, who and the unit's words (Ctrl+Shift+H)</source>
        <translation>Mọi bước xử lý của phiếu: thời gian, người thực hiện, ý kiến của đơn vị (Ctrl+Shift+H)</translation>
    </message>
</context>
</TS>
