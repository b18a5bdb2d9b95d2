module.exports = () => require("./shares").setUp();
