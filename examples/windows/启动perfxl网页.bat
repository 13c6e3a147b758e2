@echo off
chcp 65001 >nul
rem perfxl 检查网页：双击本文件启动，浏览器会自动打开检查页面。
rem 用完后关闭这个黑色窗口即停止；停止时上传的文件和检查结果全部删除。
rem 只有本机能打开这个页面（127.0.0.1）。为整个单位提供服务见 README 的“在 Windows 上使用”。

where py >nul 2>nul
if errorlevel 1 (
  echo 没有找到 Python。请先安装 Python 3.11 或更新的版本（python.org 下载 Windows 安装程序，
  echo 安装时勾选“Add python.exe to PATH”），然后再双击本文件。
  pause
  exit /b 1
)

py -3 -m perfxl --version >nul 2>nul
if errorlevel 1 (
  echo 第一次使用：正在安装 perfxl（需要联网，约一两分钟）……
  py -3 -m pip install --user --upgrade perfxl
  if errorlevel 1 (
    echo 安装没有成功：请检查网络，或请单位的 IT 人员帮助安装（py -m pip install perfxl）。
    pause
    exit /b 1
  )
)

echo 正在启动 perfxl 检查网页，浏览器会自动打开。用完后关闭本窗口即可。
py -3 -m perfxl serve
pause
